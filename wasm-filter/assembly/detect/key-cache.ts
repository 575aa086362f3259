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

/**
 * A hash of key [ptr, ptr + len) from at most two wide loads inside it (a per-byte loop cost more
 * than the test it saves on JSON member names, which are mostly 2-16 bytes).
 */
@inline function keyHash(ptr: usize, len: usize): u32 {
  let x: u64 = <u64>len;
  if (len >= 8) x ^= load<u64>(ptr) * 0x9e3779b97f4a7c15 + load<u64>(ptr + len - 8);
  else if (len >= 4) x ^= (<u64>load<u32>(ptr) << 32) | <u64>load<u32>(ptr + len - 4);
  else if (len > 0) x ^= (<u64>load<u8>(ptr) << 8) | (<u64>load<u8>(ptr + (len >> 1)) << 16) | (<u64>load<u8>(ptr + len - 1) << 24);
  x *= 0xff51afd7ed558ccd;
  return <u32>(x >> 32) ^ <u32>x;
}

/** Whether the len bytes at a and b are equal; up to 16 bytes by (overlapping) wide loads. */
@inline function sameKey(a: usize, b: usize, len: usize): bool {
  if (len >= 8 && len <= 16) return load<u64>(a) == load<u64>(b) && load<u64>(a + len - 8) == load<u64>(b + len - 8);
  if (len >= 4 && len < 8) return load<u32>(a) == load<u32>(b) && load<u32>(a + len - 4) == load<u32>(b + len - 4);
  // Two- and three-byte names (`id`, `qty`, `sku`) are common: no call for them either.
  if (len >= 2 && len < 4) return load<u16>(a) == load<u16>(b) && load<u16>(a + len - 2) == load<u16>(b + len - 2);
  return memory.compare(a, b, len) == 0;
}

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
  /** Which of a key's two slots a miss replaces when both are taken. */
  private turn: bool = false;

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
  @inline lookup(ptr: usize, len: usize): usize {
    // Inlined into the scanner's per-value path up to the first slot, where nearly every key of
    // a body is found: a call per value cost more than the probe. A key longer than
    // MAX_CACHED_KEY is never held (no slot's length exceeds it) and goes on to miss().
    const h = keyHash(ptr, len);
    const first = <i32>(h & <u32>(SLOTS - 1));
    return this.holds(first, ptr, len) ? this.bitsAt(first) : this.miss(ptr, len, h);
  }

  /** lookup() past the first slot: the second slot, else the key is tested and cached. */
  private miss(ptr: usize, len: usize, h: u32): usize {
    if (len > <usize>MAX_CACHED_KEY) {
      this.compute(ptr, len, changetype<usize>(this.scratch));
      return changetype<usize>(this.scratch);
    }
    // Two candidate slots per key: two keys of one body that share a slot (likely among ~20 keys
    // in 256 slots) would otherwise evict each other on every value and be tested each time.
    const first = <i32>(h & <u32>(SLOTS - 1));
    const second = <i32>((h >> 8) & <u32>(SLOTS - 1));
    if (this.holds(second, ptr, len)) return this.bitsAt(second);
    // An empty slot if there is one, else the two take turns.
    this.turn = !this.turn;
    const slot = unchecked(this.lens[first]) < 0 ? first : unchecked(this.lens[second]) < 0 || this.turn ? second : first;
    const keyAt = changetype<usize>(this.keys) + <usize>(slot * MAX_CACHED_KEY);
    const bitsAt = this.bitsAt(slot);
    this.compute(ptr, len, bitsAt);
    memory.copy(keyAt, ptr, len);
    unchecked((this.lens[slot] = <i32>len));
    return bitsAt;
  }

  /** Whether slot (< SLOTS, by the callers' masks) holds key [ptr, ptr + len). */
  @inline private holds(slot: i32, ptr: usize, len: usize): bool {
    return unchecked(this.lens[slot]) == <i32>len && sameKey(changetype<usize>(this.keys) + <usize>(slot * MAX_CACHED_KEY), ptr, len);
  }

  @inline private bitsAt(slot: i32): usize {
    return changetype<usize>(this.bits) + <usize>(slot * this.rowBytes);
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
