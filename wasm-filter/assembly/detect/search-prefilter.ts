// Which SEARCH automata a segment needs at all (docs/detectors.md §4, a shortcut that changes no
// finding). Every byte has a feature bit (digit, upper, lower, `@`, `.`, ...). For each detector
// the features every one of its matches must contain, and the fewest bytes a match can have, are
// read off its REVERSE automaton when the RuleSet is loaded: feature f is required when no
// accepting state can be reached without a byte of f. A finding's bytes are a string its reverse
// automaton accepts, inside the segment, so a detector whose required features are not all present
// in a segment, or whose shortest match is longer than the segment, has no finding there, and a
// SEARCH automaton none of whose detectors can have one is not run. JSON values are short and
// typed (a status word has no digit, a price no `@` and fewer digits than a phone number): most
// segments need only a few automata. Where a detector's matches can use bytes of only a few
// features, the shortest match is also known for every subset of them: a match inside the
// segment uses only bytes of features the segment has, so it is at least the shortest match over
// those bytes (a price `320.60` has digits and `.` but no date of birth or licence number is that
// short over digits and `.` alone). The same test tells whether any require-context detector
// that keywords can give context to may have a finding in the segment: when none can, the
// scanner does not ask the context gate about it.
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
/**
 * Memo of lookup() by (features, length): segments repeat a few shapes per body, but an exchange's
 * headers, query and two bodies together outgrew 256 slots — a miss recomputes every automaton's
 * requirements (issue 7: 1,024 slots, 20 KiB, took 3.5-8 µs off the 4 KiB exchange).
 */
@inline const MEMO: i32 = 1024;
/** Lengths are compared up to this (a longer segment counts as this long; minimum lengths are capped to it). */
@inline const LENGTH_CAP: u32 = 255;
/** A restricted minimumLength() that finds no match at all. */
@inline const NO_MATCH: u32 = U32.MAX_VALUE;
/** Detectors whose matches can hold bytes of at most this many features get per-subset lengths. */
@inline const MAX_RELEVANT: i32 = 8;
/** Most table entries times subsets a detector's per-subset lengths may visit at load. */
@inline const SUBSET_WORK: u64 = 1 << 20;
/** lookup() flag: some require-context detector may have a finding in the segment. */
@inline export const GATED_POSSIBLE: u32 = 1;
/** lookup() flag: some require-context detector with context keywords (a gate slot) may have one. */
@inline export const KEYWORD_GATED_POSSIBLE: u32 = 2;

/** The OR of the feature bits of bytes [data, data + n). */
export function segmentFeatures(data: usize, n: usize): u32 {
  const table = changetype<usize>(FEATURES);
  if (n < 4) {
    let f: u32 = 0;
    for (let i: usize = 0; i < n; i++) f |= load<u32>(table + (<usize>load<u8>(data + i) << 2));
    return f;
  }
  // Four bytes per load, two accumulators (a byte indexes 256 entries). The last four bytes are
  // one more load that may overlap the loop's last: ORing a byte's bits twice changes nothing, and
  // a tail loop of 0-3 bytes would cost a mispredicted exit on most JSON values.
  let f: u32 = 0;
  let g: u32 = 0;
  for (let i: usize = 0; i + 4 <= n; i += 4) f |= wordFeatures(table, load<u32>(data + i)); // i + 4 <= n: inside the segment
  g = wordFeatures(table, load<u32>(data + n - 4)); // n >= 4
  return f | g;
}

/** The OR of the feature bits of the four bytes of x. */
@inline function wordFeatures(table: usize, x: u32): u32 {
  const a = load<u32>(table + (<usize>(x & 0xff) << 2)) | load<u32>(table + (<usize>((x >> 8) & 0xff) << 2));
  const b = load<u32>(table + (<usize>((x >> 16) & 0xff) << 2)) | load<u32>(table + (<usize>(x >> 24) << 2));
  return a | b;
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
    const start = rev.stateOf(rev.startRow);
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
        const next = rev.stateOf(e & ROW_MASK);
        if (next == 0 || seen[next]) continue; // state 0 is dead (§1)
        seen[next] = true;
        stack[top++] = next;
      }
    }
    if (!accepts) required |= (<u32>1) << (<u32>k);
  }
  return required;
}

/**
 * Fewest bytes of a string accepted by `rev` (anchored, at least one byte), capped to LENGTH_CAP;
 * with `allowed`, of a string of bytes whose classes it allows, and NO_MATCH when there is none.
 */
function minimumLength(rev: Dfa, allowed: StaticArray<bool> | null = null): u32 {
  const classes = rev.classCount;
  const states = rev.rows.length / <i32>classes;
  const depth = new StaticArray<u32>(states); // 0: not reached yet; else 1 + bytes to reach it
  const queue = new StaticArray<u32>(states);
  let head = 0;
  let tail = 0;
  const start = rev.stateOf(rev.startRow);
  depth[start] = 1;
  queue[tail++] = start;
  while (head < tail) {
    const s = queue[head++];
    const d = depth[s]; // bytes read so far + 1
    if (d > LENGTH_CAP) return LENGTH_CAP; // no match within the cap: claim only the cap
    for (let c: u32 = 0; c < classes; c++) {
      if (allowed !== null && !allowed[c]) continue;
      const e = rev.rows[<i32>(s * classes + c)];
      if ((e & (ACCEPT_PLAIN | ACCEPT_GATED)) != 0) return d; // the d-th byte completes a match
      const next = rev.stateOf(e & ROW_MASK);
      if (next == 0 || depth[next] != 0) continue; // state 0 is dead (§1)
      depth[next] = d + 1;
      queue[tail++] = next;
    }
  }
  // Every reachable state was seen and none accepts: no match at all (unrestricted, claim the cap
  // as before: a detector that can never match is not worth a special case).
  return allowed !== null ? NO_MATCH : LENGTH_CAP;
}

/** OR of the features of the bytes in each class of `rev` (classCount entries). */
function classFeatures(rev: Dfa): StaticArray<u32> {
  const out = new StaticArray<u32>(<i32>rev.classCount);
  for (let b = 0; b < 256; b++) out[rev.classes[b]] |= FEATURES[b];
  return out;
}

/**
 * Features of the bytes a match of `rev` can contain: those of every class with a live transition
 * from some state (a byte of any other class ends every match attempt).
 */
function relevantFeatures(rev: Dfa, perClass: StaticArray<u32>): u32 {
  const classes = <i32>rev.classCount;
  const entries = rev.rows.length;
  let relevant: u32 = 0;
  for (let c = 0; c < classes; c++) {
    for (let i = c; i < entries; i += classes) {
      const e = rev.rows[i];
      if ((e & (ACCEPT_PLAIN | ACCEPT_GATED)) != 0 || rev.stateOf(e & ROW_MASK) != 0) {
        relevant |= perClass[c];
        break;
      }
    }
  }
  return relevant;
}

/**
 * Index of the subset of `relevant` that `features` holds: bit j for the j-th lowest feature of
 * `relevant`, the order subsetLengths() numbers its table in.
 */
function subsetIndex(features: u32, relevant: u32): i32 {
  let index = 0;
  let j = 0;
  for (let r = relevant; r != 0; r &= r - 1) {
    if ((features & r & (~r + 1)) != 0) index |= 1 << j;
    j++;
  }
  return index;
}

/**
 * Shortest match of `rev` over the bytes of each subset of `relevant` (2^popcnt entries, by
 * subsetIndex), or null when that is too many subsets or too much work to do at load.
 */
function subsetLengths(rev: Dfa, relevant: u32, perClass: StaticArray<u32>): StaticArray<u32> | null {
  const bits = <i32>popcnt(relevant);
  if (bits > MAX_RELEVANT) return null;
  const count = 1 << bits;
  if (<u64>rev.rows.length * <u64>count > SUBSET_WORK) return null;
  const lengths = new StaticArray<u32>(count);
  const allowed = new StaticArray<bool>(<i32>rev.classCount);
  for (let index = 0; index < count; index++) {
    let subset: u32 = 0;
    let j = 0;
    for (let r = relevant; r != 0; r &= r - 1) {
      if ((index & (1 << j)) != 0) subset |= r & (~r + 1);
      j++;
    }
    for (let c = 0; c < allowed.length; c++) allowed[c] = (perClass[c] & subset) != 0;
    lengths[index] = minimumLength(rev, allowed);
  }
  return lengths;
}

export class SearchPrefilter {
  /** False when there are more SEARCH automata than bits: every automaton always runs. */
  enabled: bool;
  // Per SEARCH automaton a: entries [reqFrom[a], reqFrom[a + 1]) of (required features, minimum
  // length, kind: 0 ordinary, GATED_POSSIBLE, or GATED_POSSIBLE | KEYWORD_GATED_POSSIBLE,
  // relevant features and per-subset lengths, or 0 and null).
  private reqFrom: StaticArray<i32>;
  private reqMask: Array<u32> = new Array<u32>();
  private reqLength: Array<u32> = new Array<u32>();
  private reqKind: Array<u32> = new Array<u32>();
  private reqRelevant: Array<u32> = new Array<u32>();
  private reqSubsets: Array<StaticArray<u32> | null> = new Array<StaticArray<u32> | null>();
  private memoKey: StaticArray<u64> = new StaticArray<u64>(MEMO);
  /** Per memo slot: automata needed by ordinary detectors, by all detectors, and the flags. */
  private memoPlain: StaticArray<u32> = new StaticArray<u32>(MEMO);
  private memoAll: StaticArray<u32> = new StaticArray<u32>(MEMO);
  private memoFlags: StaticArray<u32> = new StaticArray<u32>(MEMO);
  private searchCount: i32;
  /** lookup()'s answer: SEARCH automata (bit a: automaton a) that ordinary detectors need ... */
  plain: u32 = 0;
  /** ... that some detector, require-context ones included, needs ... */
  all: u32 = 0;
  /** ... and GATED_POSSIBLE / KEYWORD_GATED_POSSIBLE. */
  flags: u32 = 0;

  /**
   * searchOf[d]: SEARCH index (position among the SEARCH automata) of detector d's search
   * automaton; keyworded[d]: detector d requires context and keywords can give it (a gate slot).
   */
  constructor(plans: Array<DetectorPlan>, searchOf: StaticArray<i32>, searchCount: i32, keyworded: StaticArray<bool>) {
    this.searchCount = searchCount;
    this.enabled = searchCount <= 32;
    this.reqFrom = new StaticArray<i32>(searchCount + 1);
    for (let i = 0; i < MEMO; i++) this.memoKey[i] = U64.MAX_VALUE; // no (features, length) key has all bits set
    const required = new StaticArray<u32>(plans.length);
    const length = new StaticArray<u32>(plans.length);
    const relevant = new StaticArray<u32>(plans.length);
    const subsets = new Array<StaticArray<u32> | null>(plans.length);
    for (let d = 0; d < plans.length; d++) {
      required[d] = this.enabled ? requiredFeatures(plans[d].reverse) : 0;
      length[d] = this.enabled ? minimumLength(plans[d].reverse) : 1;
      subsets[d] = null;
      if (!this.enabled) continue;
      const perClass = classFeatures(plans[d].reverse);
      const features = relevantFeatures(plans[d].reverse, perClass);
      const table = subsetLengths(plans[d].reverse, features, perClass);
      if (table === null) continue;
      relevant[d] = features;
      subsets[d] = table;
    }
    for (let a = 0; a < searchCount; a++) {
      this.reqFrom[a] = this.reqMask.length;
      for (let d = 0; d < plans.length; d++) {
        if (searchOf[d] != a) continue;
        const kind = plans[d].data.context.requireContext ? (keyworded[d] ? GATED_POSSIBLE | KEYWORD_GATED_POSSIBLE : GATED_POSSIBLE) : 0;
        let dup = false;
        for (let k = this.reqFrom[a]; k < this.reqMask.length; k++) {
          dup = dup || (this.reqMask[k] == required[d] && this.reqLength[k] == length[d] && this.reqKind[k] == kind && subsets[d] === null && this.reqSubsets[k] === null);
        }
        if (dup) continue;
        this.reqMask.push(required[d]);
        this.reqLength.push(length[d]);
        this.reqKind.push(kind);
        this.reqRelevant.push(relevant[d]);
        this.reqSubsets.push(subsets[d]);
      }
    }
    this.reqFrom[searchCount] = this.reqMask.length;
  }

  /**
   * Sets plain, all and flags for a segment of n bytes with these features (when not enabled:
   * every automaton, both flags).
   */
  lookup(features: u32, n: usize): void {
    if (!this.enabled) {
      this.plain = U32.MAX_VALUE;
      this.all = U32.MAX_VALUE;
      this.flags = GATED_POSSIBLE | KEYWORD_GATED_POSSIBLE;
      return;
    }
    const len = n < <usize>LENGTH_CAP ? <u32>n : LENGTH_CAP;
    const key = (<u64>features << 8) | <u64>len;
    const slot = <i32>((features ^ (features >> 7) ^ (features >> 17) ^ (len * 0x9e)) & <u32>(MEMO - 1));
    if (unchecked(this.memoKey[slot]) != key) this.fill(slot, key, features, len); // slot < MEMO
    this.plain = unchecked(this.memoPlain[slot]);
    this.all = unchecked(this.memoAll[slot]);
    this.flags = unchecked(this.memoFlags[slot]);
  }

  private fill(slot: i32, key: u64, features: u32, len: u32): void {
    let plain: u32 = 0;
    let all: u32 = 0;
    let flags: u32 = 0;
    for (let a = 0; a < this.searchCount; a++) {
      for (let k = this.reqFrom[a]; k < this.reqFrom[a + 1]; k++) {
        if ((this.reqMask[k] & ~features) != 0 || this.reqLength[k] > len) continue;
        const table = this.reqSubsets[k];
        if (table !== null && table[subsetIndex(features, this.reqRelevant[k])] > len) continue;
        const kind = this.reqKind[k];
        const bit = (<u32>1) << (<u32>a);
        all |= bit;
        if (kind == 0) plain |= bit;
        flags |= kind;
      }
    }
    unchecked((this.memoKey[slot] = key)); // slot < MEMO
    unchecked((this.memoPlain[slot] = plain));
    unchecked((this.memoAll[slot] = all));
    unchecked((this.memoFlags[slot] = flags));
  }
}
