// A validated Automaton (codec/rules-detectors.ts) in the form the inner loop wants: one u32 per
// (state, class) holding the next state's ROW OFFSET (next * class_count) with bit 31 set when the
// next state accepts, so feeding a byte is two loads, an add and a mask — no multiply, and the
// accept test costs one branch on a bit already loaded.
import { AutomatonData } from "../codec/rules-detectors";

@inline export const ACCEPT_BIT: u32 = 0x80000000;
@inline export const ROW_MASK: u32 = 0x7fffffff;

export class Dfa {
  /** 256 class bytes. */
  classes: StaticArray<u8>;
  /** state_count * class_count entries: (next * class_count) | ACCEPT_BIT if next accepts. */
  rows: StaticArray<u32>;
  classCount: u32;
  /** Row offset of the start state. */
  startRow: u32;
  acceptOffsets: StaticArray<u32>;
  acceptDetectors: StaticArray<u32>;

  /** `a` must have passed decodeRuleSetDetectors' checks (sizes, targets below state_count). */
  constructor(a: AutomatonData) {
    this.classes = a.byteClasses;
    this.classCount = a.classCount;
    this.startRow = a.startState * a.classCount;
    this.acceptOffsets = a.acceptOffsets;
    this.acceptDetectors = a.acceptDetectors;
    const entries = <i32>(a.stateCount * a.classCount);
    const rows = new StaticArray<u32>(entries);
    const src = changetype<usize>(a.transitions);
    for (let i = 0; i < entries; i++) {
      const next = a.entryBytes == 2 ? <u32>load<u16>(src + (<usize>i << 1)) : load<u32>(src + (<usize>i << 2));
      const accepting = a.acceptOffsets[next + 1] > a.acceptOffsets[next];
      unchecked((rows[i] = (next * a.classCount) | (accepting ? ACCEPT_BIT : 0))); // i < entries = rows.length
    }
    this.rows = rows;
  }

  /** State id of a row offset (only on accepts: a division is fine there). */
  @inline stateOf(row: u32): u32 {
    return row / this.classCount;
  }
}
