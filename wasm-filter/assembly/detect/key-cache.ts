// Key tests (docs/detectors.md §6) for every detector at once, cached by key: a JSON array of
// objects repeats the same few member names thousands of times, and the test (tokenize, then a
// substring search per rule key) costs far more than hashing the name again.
import { DetectorPlan } from "./detector-plan";
import { containsBytes, normalizeKey } from "./key-tokens";
import { ByteBuf } from "./segment";

export const KEY_MATCH: u8 = 1;
export const NEGATIVE_KEY_MATCH: u8 = 2;
/**
 * In the byte after the per-detector bytes (lookup() + detector count): some require-context
 * detector has KEY_MATCH, so the scanner decides per segment with one load whether their
 * automaton accepts can matter (docs/detectors.md §4 step 1).
 */
export const ANY_GATED_KEY_MATCH: u8 = 1;

/** Keys longer than this are tested every time (rare; keeps entries fixed-size). */
@inline const MAX_CACHED_KEY: i32 = 64;
@inline const SLOTS: i32 = 256;

export class KeyCache {
  private plans: Array<DetectorPlan>;
  private lens: StaticArray<i32> = new StaticArray<i32>(SLOTS);
  private keys: StaticArray<u8> = new StaticArray<u8>(SLOTS * MAX_CACHED_KEY);
  /** SLOTS rows of one byte per detector (KEY_MATCH | NEGATIVE_KEY_MATCH) plus the summary byte. */
  private bits: StaticArray<u8>;
  private scratch: StaticArray<u8>;
  private norm: ByteBuf = new ByteBuf();
  private detectorCount: i32;
  /** Bytes per row: detectorCount + 1 (the ANY_GATED_KEY_MATCH summary). */
  private rowBytes: i32;

  constructor(plans: Array<DetectorPlan>) {
    this.plans = plans;
    this.detectorCount = plans.length;
    const rowBytes = plans.length + 1;
    this.rowBytes = rowBytes;
    this.bits = new StaticArray<u8>(SLOTS * rowBytes);
    this.scratch = new StaticArray<u8>(rowBytes);
    for (let i = 0; i < SLOTS; i++) this.lens[i] = -1;
  }

  /**
   * Address of one byte per detector holding its key-test bits for key [ptr, ptr+len), followed by
   * the ANY_GATED_KEY_MATCH summary byte.
   */
  lookup(ptr: usize, len: usize): usize {
    if (len > <usize>MAX_CACHED_KEY) {
      this.compute(ptr, len, changetype<usize>(this.scratch));
      return changetype<usize>(this.scratch);
    }
    let h: u32 = 2166136261;
    for (let i: usize = 0; i < len; i++) h = (h ^ <u32>load<u8>(ptr + i)) * 16777619;
    const slot = <i32>((h ^ (h >> 16)) & <u32>(SLOTS - 1));
    const keyAt = changetype<usize>(this.keys) + <usize>(slot * MAX_CACHED_KEY);
    const bitsAt = changetype<usize>(this.bits) + <usize>(slot * this.rowBytes);
    // slot < SLOTS by the mask: both rows are inside their arrays.
    if (unchecked(this.lens[slot]) == <i32>len && memory.compare(keyAt, ptr, len) == 0) return bitsAt;
    this.compute(ptr, len, bitsAt);
    memory.copy(keyAt, ptr, len);
    unchecked((this.lens[slot] = <i32>len));
    return bitsAt;
  }

  private compute(ptr: usize, len: usize, out: usize): void {
    normalizeKey(ptr, len, this.norm);
    const np = this.norm.ptr;
    const nl = this.norm.len;
    let anyGated: u8 = 0;
    for (let d = 0; d < this.detectorCount; d++) {
      const plan = this.plans[d];
      let b: u8 = 0;
      for (let i = 0; i < plan.keys.length; i++) if (containsBytes(np, nl, plan.keys[i])) b |= KEY_MATCH;
      for (let i = 0; i < plan.negativeKeys.length; i++) if (containsBytes(np, nl, plan.negativeKeys[i])) b |= NEGATIVE_KEY_MATCH;
      store<u8>(out + <usize>d, b);
      if ((b & KEY_MATCH) != 0 && plan.data.context.requireContext) anyGated = ANY_GATED_KEY_MATCH;
    }
    store<u8>(out + <usize>this.detectorCount, anyGated);
  }
}
