// A SEARCH automaton (codec/rules-detectors.ts) laid out for the scanner's inner loop. Its states
// are renumbered by what they accept: first those accepting nothing, then those accepting only
// require-context detectors, then both kinds, then only ordinary ones. A state then accepts what a
// segment's mask lets through exactly when its row offset is at least a threshold (plainFrom when
// only ordinary detectors may report, gatedFrom when require-context ones may too), so a table
// entry is the next state's row offset alone: the chain from one byte's entry to the next is an
// add and a load, with no mask taking flag bits off (a cycle of the few each byte costs). The
// renumbering is internal: accept lists follow it, and nothing outside sees a state id.
import { AutomatonData } from "../codec/rules-detectors";

/** Order of a state's accept kind in the layout: none, only gated, both, only plain. */
@inline const ACCEPTS_NONE: i32 = 0;
@inline const ACCEPTS_GATED: i32 = 1;
@inline const ACCEPTS_BOTH: i32 = 2;
@inline const ACCEPTS_PLAIN: i32 = 3;

/**
 * ceil(2^32 / classCount), for SearchAutomaton.stateScale: (state * classCount * it) >> 32 is
 * state for every state < 2^24 and classCount in 1..256 (the error, state * (it * classCount -
 * 2^32), is below state * classCount < 2^32).
 */
export function stateScaleOf(classCount: u32): u64 {
  return ((<u64>1 << 32) + <u64>classCount - 1) / <u64>classCount;
}

export class SearchAutomaton {
  /** 256 class bytes. */
  classes: StaticArray<u8>;
  /** state_count * class_count entries: the next state's row offset in bytes (new numbering). */
  rows: StaticArray<u32>;
  classCount: u32;
  /** Row offset of the start state. */
  startRow: u32;
  /** stateScaleOf(classCount): a state is (row / 4) * stateScale >> 32, with no division. */
  stateScale: u64;
  /** Row offsets from which states accept some ordinary detector ... */
  plainFrom: u32;
  /** ... and from which they accept some detector at all. */
  gatedFrom: u32;
  /** Per state (new numbering): its accepted detectors are acceptDetectors[acceptOffsets[s], acceptOffsets[s + 1]). */
  acceptOffsets: StaticArray<u32>;
  acceptDetectors: StaticArray<u32>;

  /**
   * `a` must have passed decodeRuleSetDetectors' checks (sizes, targets below state_count, table
   * below 2^24 entries so row byte offsets, below 2^26, fit an i32). gated[d]: detector d
   * requires context.
   */
  constructor(a: AutomatonData, gated: StaticArray<bool>) {
    const states = <i32>a.stateCount;
    const cc = a.classCount;
    this.classes = a.byteClasses;
    this.classCount = cc;
    this.stateScale = stateScaleOf(cc);
    // Each state's kind, then a counting sort by kind (stable: state 0 stays first among its kind).
    const kind = new StaticArray<i32>(states);
    const perKind = new StaticArray<i32>(5);
    for (let s = 0; s < states; s++) {
      let plain = false;
      let gatedOnly = false;
      for (let k = a.acceptOffsets[s]; k < a.acceptOffsets[s + 1]; k++) {
        if (gated[a.acceptDetectors[k]]) gatedOnly = true;
        else plain = true;
      }
      const kd = plain ? (gatedOnly ? ACCEPTS_BOTH : ACCEPTS_PLAIN) : gatedOnly ? ACCEPTS_GATED : ACCEPTS_NONE;
      kind[s] = kd;
      perKind[kd + 1]++;
    }
    for (let kd = 0; kd < 4; kd++) perKind[kd + 1] += perKind[kd];
    const firstOfKind = new StaticArray<i32>(4);
    for (let kd = 0; kd < 4; kd++) firstOfKind[kd] = perKind[kd];
    const renamed = new StaticArray<u32>(states);
    const order = new StaticArray<i32>(states);
    for (let s = 0; s < states; s++) {
      const to = perKind[kind[s]]++;
      renamed[s] = <u32>to;
      order[to] = s;
    }
    const rowBytes = cc << 2;
    this.gatedFrom = <u32>firstOfKind[ACCEPTS_GATED] * rowBytes;
    this.plainFrom = <u32>firstOfKind[ACCEPTS_BOTH] * rowBytes;
    this.startRow = renamed[a.startState] * rowBytes;
    const rows = new StaticArray<u32>(states * <i32>cc);
    const src = changetype<usize>(a.transitions);
    const offsets = new StaticArray<u32>(states + 1);
    const detectors = new StaticArray<u32>(a.acceptDetectors.length);
    let at: u32 = 0;
    for (let to = 0; to < states; to++) {
      const s = order[to];
      for (let c: u32 = 0; c < cc; c++) {
        const i = <u32>s * cc + c;
        const next = a.entryBytes == 2 ? <u32>load<u16>(src + (<usize>i << 1)) : load<u32>(src + (<usize>i << 2));
        rows[<u32>to * cc + c] = renamed[next] * rowBytes;
      }
      offsets[to] = at;
      for (let k = a.acceptOffsets[s]; k < a.acceptOffsets[s + 1]; k++) detectors[at++] = a.acceptDetectors[k];
    }
    offsets[states] = at;
    this.rows = rows;
    this.acceptOffsets = offsets;
    this.acceptDetectors = detectors;
  }
}
