// Which SEARCH automata a segment needs at all (docs/detectors.md §4, a shortcut that changes no
// finding). Every byte has a feature bit (digit, upper, lower, `@`, `.`, ...). For each detector
// the features every one of its matches must contain are read off its REVERSE automaton when the
// RuleSet is loaded: feature f is required when no accepting state can be reached without a byte
// of f. A finding's bytes are a string its reverse automaton accepts, inside the segment, so a
// detector whose required features are not all present in a segment has no finding there, and a
// SEARCH automaton none of whose detectors can have one is not run. JSON values are short and
// typed (a status word has no digit, a price no `@`): most segments need only a few automata.
import { ACCEPT_GATED, ACCEPT_PLAIN, Dfa, ROW_MASK } from "./automaton";
import { DetectorPlan } from "./detector-plan";

/** Feature bit of each byte; punctuation that patterns key on gets its own bit. */
const FEATURES = new StaticArray<u32>(256);
(function initFeatures(): void {
  const own = "@.:/-_=+()#,$%&*\\<>!?[]'\";";
  for (let b = 0; b < 256; b++) {
    let f: u32 = 1 << 5; // control bytes and the punctuation without a bit of its own
    if (b >= 48 && b <= 57) f = 1 << 0;
    else if (b >= 65 && b <= 90) f = 1 << 1;
    else if (b >= 97 && b <= 122) f = 1 << 2;
    else if (b == 32 || b == 9 || b == 13 || b == 10) f = 1 << 3;
    else if (b >= 0x80) f = 1 << 4;
    else {
      const at = own.indexOf(String.fromCharCode(b));
      if (at >= 0) f = (<u32>1) << (<u32>(6 + at));
    }
    FEATURES[b] = f;
  }
})();
@inline const FEATURE_COUNT: i32 = 32;
/** Memo of needed() by (features, gated): segments of one body repeat a few shapes. */
@inline const MEMO: i32 = 64;

/** The OR of the feature bits of bytes [data, data + n). */
export function segmentFeatures(data: usize, n: usize): u32 {
  const table = changetype<usize>(FEATURES);
  let f: u32 = 0;
  for (let i: usize = 0; i < n; i++) f |= load<u32>(table + (<usize>load<u8>(data + i) << 2)); // a byte indexes 256 entries
  return f;
}

/** Features every string accepted by `rev` (anchored, at least one byte) contains. */
function requiredFeatures(rev: Dfa): u32 {
  const classes = <i32>rev.classCount;
  const states = rev.rows.length / classes;
  // Classes holding some byte without feature f, per f: the bytes a match could avoid f with.
  const avoid = new StaticArray<u64>(FEATURE_COUNT);
  for (let b = 0; b < 256; b++) {
    const c = <u64>rev.classes[b];
    const f = FEATURES[b];
    for (let k = 0; k < FEATURE_COUNT; k++) if ((f & ((<u32>1) << (<u32>k))) == 0 && c < 64) avoid[k] |= (<u64>1) << c;
  }
  let required: u32 = 0;
  const seen = new StaticArray<bool>(states);
  const stack = new StaticArray<u32>(states);
  for (let k = 0; k < FEATURE_COUNT; k++) {
    if (classes > 64) break; // class sets are u64 bitmaps: claim nothing for wider automata
    const allowed = avoid[k];
    for (let s = 0; s < states; s++) seen[s] = false;
    let top = 0;
    const start = rev.startRow / rev.classCount;
    seen[start] = true;
    stack[top++] = start;
    let accepts = false;
    while (top > 0 && !accepts) {
      const row = stack[--top] * rev.classCount;
      for (let c = 0; c < classes; c++) {
        if ((allowed & ((<u64>1) << (<u64>c))) == 0) continue;
        const e = rev.rows[<i32>row + c];
        if ((e & (ACCEPT_PLAIN | ACCEPT_GATED)) != 0) {
          accepts = true;
          break;
        }
        const next = (e & ROW_MASK) / rev.classCount;
        if (next == 0 || seen[next]) continue; // state 0 is dead (§1)
        seen[next] = true;
        stack[top++] = next;
      }
    }
    if (!accepts) required |= (<u32>1) << (<u32>k);
  }
  return required;
}

export class SearchPrefilter {
  /** False when there are more SEARCH automata than bits: every automaton always runs. */
  enabled: bool;
  // Per SEARCH automaton a: entries [reqFrom[a], reqFrom[a + 1]) of (required features, gated).
  private reqFrom: StaticArray<i32>;
  private reqMask: Array<u32> = new Array<u32>();
  private reqGated: Array<bool> = new Array<bool>();
  private memoKey: StaticArray<u64> = new StaticArray<u64>(MEMO);
  private memoValue: StaticArray<u32> = new StaticArray<u32>(MEMO);
  private searchCount: i32;

  /** searchOf[d]: SEARCH index (position among the SEARCH automata) of detector d's search automaton. */
  constructor(plans: Array<DetectorPlan>, searchOf: StaticArray<i32>, searchCount: i32) {
    this.searchCount = searchCount;
    this.enabled = searchCount <= 32;
    this.reqFrom = new StaticArray<i32>(searchCount + 1);
    for (let i = 0; i < MEMO; i++) this.memoKey[i] = U64.MAX_VALUE; // no (features, gated) key has all bits set
    const required = new StaticArray<u32>(plans.length);
    if (this.enabled) for (let d = 0; d < plans.length; d++) required[d] = requiredFeatures(plans[d].reverse);
    for (let a = 0; a < searchCount; a++) {
      this.reqFrom[a] = this.reqMask.length;
      for (let d = 0; d < plans.length; d++) {
        if (searchOf[d] != a) continue;
        const gated = plans[d].data.context.requireContext;
        let dup = false;
        for (let k = this.reqFrom[a]; k < this.reqMask.length; k++) dup = dup || (this.reqMask[k] == required[d] && this.reqGated[k] == gated);
        if (dup) continue;
        this.reqMask.push(required[d]);
        this.reqGated.push(gated);
      }
    }
    this.reqFrom[searchCount] = this.reqMask.length;
  }

  /**
   * Bit a set: SEARCH automaton a may yield a finding in a segment with these features; `gated`:
   * require-context detectors may have context there (else their accepts are masked anyway).
   */
  needed(features: u32, gated: bool): u32 {
    const key = (<u64>features << 1) | (gated ? 1 : 0);
    const slot = <i32>((features ^ (features >> 7) ^ (features >> 17) ^ (gated ? 0x2a : 0)) & <u32>(MEMO - 1));
    if (unchecked(this.memoKey[slot]) == key) return unchecked(this.memoValue[slot]); // slot < MEMO
    let bits: u32 = 0;
    for (let a = 0; a < this.searchCount; a++) {
      for (let k = this.reqFrom[a]; k < this.reqFrom[a + 1]; k++) {
        if ((gated || !this.reqGated[k]) && (this.reqMask[k] & ~features) == 0) {
          bits |= (<u32>1) << (<u32>a);
          break;
        }
      }
    }
    unchecked((this.memoKey[slot] = key));
    unchecked((this.memoValue[slot] = bits));
    return bits;
  }
}
