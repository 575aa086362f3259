// A validated Automaton (codec/rules-detectors.ts) in the form the inner loop wants: one u32 per
// (state, class) holding the next state's ROW OFFSET in bytes (next * class_count * 4) plus two
// flags — the next state accepts some ordinary detector (ACCEPT_PLAIN), or some require-context
// detector (ACCEPT_GATED). Feeding a byte is two loads, adds and a mask, no multiply: the entry's
// address is the row plus the class's byte offset, which depends only on the byte, so the chain
// from one entry to the next is an add, a load and a mask (no shift); the scanner tests
// the flags against a per-segment mask, so loose require-context patterns cost nothing where
// they cannot have context.
import { AutomatonData } from "../codec/rules-detectors";

@inline export const ACCEPT_PLAIN: u32 = 0x80000000;
@inline export const ACCEPT_GATED: u32 = 0x40000000;
@inline export const ROW_MASK: u32 = 0x3fffffff;

export class Dfa {
  /** 256 class bytes. */
  classes: StaticArray<u8>;
  /** state_count * class_count entries: (next * class_count * 4) | flags of next. */
  rows: StaticArray<u32>;
  classCount: u32;
  /** Row offset (in bytes) of the start state. */
  startRow: u32;
  acceptOffsets: StaticArray<u32>;
  acceptDetectors: StaticArray<u32>;

  /**
   * `a` must have passed decodeRuleSetDetectors' checks (sizes, targets below state_count, table
   * below 2^24 entries so row byte offsets, below 2^26, fit under the flags). gated[d]: detector d
   * requires context.
   */
  constructor(a: AutomatonData, gated: StaticArray<bool>) {
    this.classes = a.byteClasses;
    this.classCount = a.classCount;
    this.startRow = (a.startState * a.classCount) << 2;
    this.acceptOffsets = a.acceptOffsets;
    this.acceptDetectors = a.acceptDetectors;
    const states = <i32>a.stateCount;
    const flags = new StaticArray<u32>(states);
    for (let s = 0; s < states; s++) {
      let f: u32 = 0;
      for (let k = a.acceptOffsets[s]; k < a.acceptOffsets[s + 1]; k++) f |= gated[a.acceptDetectors[k]] ? ACCEPT_GATED : ACCEPT_PLAIN;
      flags[s] = f;
    }
    const entries = <i32>(a.stateCount * a.classCount);
    const rows = new StaticArray<u32>(entries);
    const src = changetype<usize>(a.transitions);
    for (let i = 0; i < entries; i++) {
      const next = a.entryBytes == 2 ? <u32>load<u16>(src + (<usize>i << 1)) : load<u32>(src + (<usize>i << 2));
      unchecked((rows[i] = ((next * a.classCount) << 2) | flags[next])); // i < entries = rows.length
    }
    this.rows = rows;
  }

  /** State id of a row byte offset (only on accepts: a division is fine there). */
  @inline stateOf(row: u32): u32 {
    return (row >> 2) / this.classCount;
  }
}
