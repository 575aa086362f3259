// Cheap gate for require-context detectors (docs/detectors.md §4 step 1). Their SEARCH patterns
// are loose on purpose (`password` accepts after any 3 bytes) and only context makes a candidate,
// so the scanner asks once per segment whether such a detector can possibly have context there:
// a matching key, or one of its positive keywords within `distance` before the segment's bytes.
// Keyword occurrences are found with a two-byte prefix filter, only in the windows the scanner asks
// about (a segment and the distance before it), each field byte at most once while the windows
// move forward as the walkers' segments do.
// The gate only ever says "maybe" too often, never too rarely: candidates it lets through still
// get the exact per-candidate test.
import { DetectorPlan } from "./detector-plan";

/** Detectors beyond this many gated slots are treated as always possibly in context. */
@inline const MAX_SLOTS: i32 = 64;
/** Initial occurrence capacity; it doubles when a field holds more (never shrinks). */
@inline const INITIAL_OCCURRENCES: i32 = 1024;
/**
 * Bytes searched past the window asked about, so the next windows mostly lie in searched bytes
 * and possibleNow() answers them without a call.
 */
@inline const SEARCH_AHEAD: usize = 512;

const LOWER = new StaticArray<u8>(256);
(function initLower(): void {
  for (let i = 0; i < 256; i++) LOWER[i] = <u8>(i >= 65 && i <= 90 ? i + 32 : i);
})();

/** Pair table bit: a raw pair the pass over the field stops at (see `pairs`). */
@inline const PAIR: u32 = 1;
/** Pair table bit: the raw pair is a case spelling of some keyword's FIRST two bytes. */
@inline const HEAD: u32 = 2;
/** Pair table bit: the raw pair is a case spelling of some keyword's second and third bytes. */
@inline const MID: u32 = 4;
/** Pair table entries: one per raw pair (second byte << 8 | first byte). */
@inline const PAIR_COUNT: i32 = 65536;

/** The pair table's bits for raw pair (second byte << 8 | first byte). */
@inline function pairBits(pairs: usize, pair: u32): u32 {
  return <u32>load<u8>(pairs + <usize>pair); // pair < 65536 = the table's length
}

export class ContextGate {
  /** Gated slot of each detector; -1: no keyword can give it context; -2: gated but past MAX_SLOTS. */
  slotOf: StaticArray<i32>;
  /** Some detector is past MAX_SLOTS: maybe() is always true for it. */
  anyUnslotted: bool = false;
  private slotDistance: StaticArray<u32> = new StaticArray<u32>(MAX_SLOTS);
  private maxDistance: u32 = 0;
  private words: Array<StaticArray<u8>> = new Array<StaticArray<u8>>();
  private wordMask: Array<u64> = new Array<u64>();
  // The words again, flat, for matchAt (no managed reference per word: AssemblyScript spills each
  // one to the shadow stack, which cost more than the comparison). Word k: bytes
  // flatBytes[flatStart[k], flatStart[k] + flatLen[k]); flatHead[k] = first byte | second << 8
  // (second 0x100 for a one-byte word: any byte follows).
  private flatBytes: StaticArray<u8> = new StaticArray<u8>(0);
  private flatStart: StaticArray<u32> = new StaticArray<u32>(0);
  private flatLen: StaticArray<u32> = new StaticArray<u32>(0);
  private flatHead: StaticArray<u32> = new StaticArray<u32>(0);
  private flatMask: StaticArray<u64> = new StaticArray<u64>(0);
  private wordCount: i32 = 0;
  /** The flat words are ordered by first byte: those starting with b are [firstFrom[b], firstFrom[b + 1]). */
  private firstFrom: StaticArray<i32> = new StaticArray<i32>(257);
  /**
   * Two-byte filter over RAW bytes, one byte per pair (b1 << 8 | b0): PAIR for every ASCII case
   * spelling b0 b1 of a keyword's first two bytes (one-byte words set all 256 pairs of b0), so the
   * pass over the field reads one little-endian u16 per position and one table byte, no case
   * folding. A byte per pair, not a bit: the shifts and masks of a bitmap cost more per test than
   * the 64 KiB table, of which text touches a few lines. When every keyword has at least 3 bytes
   * (`stride` 2), its second and third bytes are PAIR too and only even positions are read: a
   * keyword starting at q holds the pair at q or at q + 1, whichever is even, so half the loads
   * find every occurrence. HEAD marks every case spelling of a keyword's FIRST two bytes, MID of
   * its second and third: a stride-2 hit at q stands for starts q - 1 and q, and a start whose
   * first two bytes are no HEAD or next two no MID (most hits in JSON keys and text) is not looked at.
   */
  private pairs: StaticArray<u8> = new StaticArray<u8>(PAIR_COUNT);
  private stride: u32 = 1;
  private occStart: StaticArray<u32> = new StaticArray<u32>(INITIAL_OCCURRENCES);
  private occEnd: StaticArray<u32> = new StaticArray<u32>(INITIAL_OCCURRENCES);
  private occMask: StaticArray<u64> = new StaticArray<u64>(INITIAL_OCCURRENCES);
  private occCount: i32 = 0;
  /** possible()'s last answer: the first occurrence with start >= cursorFrom. */
  private cursor: i32 = 0;
  private cursorFrom: u32 = 0;
  /**
   * Occurrences are known for every start in [coveredFrom, scannedTo), and the list is sorted by
   * start; `whole`: for every start in the field.
   */
  private coveredFrom: u32 = 0;
  private scannedTo: u32 = 0;
  /** One past the start of the last occurrence found (0: none): no occurrence starts at or after it. */
  private clearFrom: u32 = 0;
  private whole: bool = false;
  private field: usize = 0;
  private fieldLen: usize = 0;

  constructor(plans: Array<DetectorPlan>) {
    this.slotOf = new StaticArray<i32>(plans.length);
    let slots = 0;
    for (let d = 0; d < plans.length; d++) {
      this.slotOf[d] = -1;
      const ctx = plans[d].data.context;
      if (!ctx.requireContext || ctx.distance == 0 || plans[d].positiveKeywords.length == 0) continue;
      if (slots == MAX_SLOTS) {
        this.slotOf[d] = -2;
        this.anyUnslotted = true;
        continue;
      }
      const slot = slots++;
      this.slotOf[d] = slot;
      this.slotDistance[slot] = ctx.distance;
      if (ctx.distance > this.maxDistance) this.maxDistance = ctx.distance;
      const kws = plans[d].positiveKeywords;
      for (let k = 0; k < kws.length; k++) this.addWord(kws[k], (<u64>1) << (<u64>slot));
    }
    this.flatten();
    this.setAllPairs();
  }

  private setAllPairs(): void {
    let shortest = I32.MAX_VALUE;
    for (let k = 0; k < this.words.length; k++) shortest = min(shortest, this.words[k].length);
    this.stride = shortest >= 3 ? 2 : 1;
    for (let k = 0; k < this.words.length; k++) {
      const w = this.words[k];
      if (w.length == 1) {
        for (let b1 = 0; b1 < 256; b1++) this.setPairs(<i32>w[0], b1, PAIR);
        continue;
      }
      this.setPairs(<i32>w[0], <i32>w[1], PAIR | HEAD);
      if (this.stride == 2) this.setPairs(<i32>w[1], <i32>w[2], PAIR | MID);
    }
  }

  private flatten(): void {
    const count = this.words.length;
    let total = 0;
    for (let k = 0; k < count; k++) total += this.words[k].length;
    this.flatBytes = new StaticArray<u8>(total);
    this.flatStart = new StaticArray<u32>(count);
    this.flatLen = new StaticArray<u32>(count);
    this.flatHead = new StaticArray<u32>(count);
    this.flatMask = new StaticArray<u64>(count);
    // Counting sort by first byte (stable): matchAt then looks only at words that can match.
    const perByte = new StaticArray<i32>(256);
    for (let k = 0; k < count; k++) perByte[this.words[k][0]]++;
    for (let b = 0; b < 256; b++) this.firstFrom[b + 1] = this.firstFrom[b] + perByte[b];
    const order = new StaticArray<i32>(count);
    const next = new StaticArray<i32>(256);
    for (let b = 0; b < 256; b++) next[b] = this.firstFrom[b];
    for (let k = 0; k < count; k++) order[next[this.words[k][0]]++] = k;
    let at = 0;
    for (let o = 0; o < count; o++) {
      const k = order[o];
      const w = this.words[k];
      memory.copy(changetype<usize>(this.flatBytes) + <usize>at, changetype<usize>(w), <usize>w.length);
      this.flatStart[o] = <u32>at;
      this.flatLen[o] = <u32>w.length;
      this.flatHead[o] = <u32>w[0] | ((w.length > 1 ? <u32>w[1] : 0x100) << 8);
      this.flatMask[o] = this.wordMask[k];
      at += w.length;
    }
    this.wordCount = count;
  }

  private addWord(w: StaticArray<u8>, bit: u64): void {
    if (w.length == 0) return;
    for (let i = 0; i < this.words.length; i++) {
      if (this.words[i].length == w.length && memory.compare(changetype<usize>(this.words[i]), changetype<usize>(w), <usize>w.length) == 0) {
        this.wordMask[i] |= bit;
        return;
      }
    }
    this.words.push(w);
    this.wordMask.push(bit);
  }

  /** Sets `bits` on the raw pairs whose lower-cased bytes are (l0, l1): every case spelling of the two. */
  private setPairs(l0: i32, l1: i32, bits: u32): void {
    for (let b0 = 0; b0 < 256; b0++) {
      if (<i32>LOWER[b0] != l0) continue;
      for (let b1 = 0; b1 < 256; b1++) {
        if (<i32>LOWER[b1] != l1) continue;
        this.pairs[(b1 << 8) | b0] |= <u8>bits;
      }
    }
  }

  /** Starts a new field; occurrences are searched lazily, in the windows asked about. */
  beginField(field: usize, len: usize): void {
    this.field = field;
    this.fieldLen = len;
    this.occCount = 0;
    this.cursor = 0;
    this.cursorFrom = 0;
    this.coveredFrom = 0;
    this.scannedTo = 0;
    this.clearFrom = 0;
    this.whole = this.words.length == 0; // no keyword: nothing to find anywhere
    if (this.whole) this.scannedTo = <u32>len;
  }

  /**
   * Makes the occurrence list complete for starts in [from, last]. Windows moving forward extend
   * the covered range (a gap before `from` is left unsearched); a window reaching back before the
   * covered range (never seen from the walkers) has the whole field searched once.
   */
  private cover(from: u32, last: u32): void {
    if (this.whole) return;
    if (from < this.coveredFrom) {
      this.occCount = 0;
      this.cursor = 0;
      this.cursorFrom = 0;
      this.clearFrom = 0;
      this.whole = true;
      this.coveredFrom = 0;
      this.scannedTo = <u32>this.fieldLen;
      this.scan(0, <u32>this.fieldLen);
      return;
    }
    if (from > this.scannedTo) {
      this.coveredFrom = from;
      this.scannedTo = from;
    }
    if (min(last + 1, <u32>this.fieldLen) <= this.scannedTo) return;
    const to = <u32>min(<usize>last + 1 + SEARCH_AHEAD, this.fieldLen);
    this.scan(this.scannedTo, to);
    this.scannedTo = to;
  }

  /**
   * possible(first, last), without a call when the window lies in searched bytes and no
   * occurrence found starts in it (most windows of a body without keywords).
   */
  @inline possibleNow(first: u32, last: u32): u64 {
    const from = first > this.maxDistance ? first - this.maxDistance : 0;
    if (last < this.scannedTo && from >= this.coveredFrom && from >= this.clearFrom) return 0;
    return this.possible(first, last);
  }

  /**
   * The slots (bit i = slot i) that may have a keyword before some byte whose raw start is in
   * [first, last]: an occurrence starting at most the slot's distance before `first` and ending by
   * `last`. One binary search for all gated detectors of a segment.
   */
  possible(first: u32, last: u32): u64 {
    const from = first > this.maxDistance ? first - this.maxDistance : 0;
    this.cover(from, last);
    if (this.occCount == 0) return 0; // no keyword so far: the common case
    // Occurrences are sorted by start; find the first with start >= from. Walkers hand segments
    // over in field order, so `from` mostly grows: step on from the last answer (amortized O(1)
    // per segment); binary search when it went back.
    let lo = 0;
    if (from >= this.cursorFrom) {
      lo = this.cursor;
      while (lo < this.occCount && unchecked(this.occStart[lo]) < from) lo++; // lo < occCount <= capacity
    } else {
      let hi = this.occCount;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (unchecked(this.occStart[mid]) < from) lo = mid + 1;
        else hi = mid;
      }
    }
    this.cursor = lo;
    this.cursorFrom = from;
    let slots: u64 = 0;
    for (let i = lo; i < this.occCount; i++) {
      const start = unchecked(this.occStart[i]); // i < occCount <= capacity
      if (start > last) break;
      if (unchecked(this.occEnd[i]) > last) continue;
      let bits = unchecked(this.occMask[i]) & ~slots;
      while (bits != 0) {
        const slot = <i32>ctz(bits);
        bits &= bits - 1;
        const dist = unchecked(this.slotDistance[slot]); // slot < MAX_SLOTS = slotDistance.length
        if (start + dist >= first) slots |= (<u64>1) << (<u64>slot);
      }
    }
    return slots;
  }

  /** Whether gated detector `det` may have context in the segment whose `possible` slots are given. */
  @inline maybe(det: i32, slots: u64): bool {
    const slot = unchecked(this.slotOf[det]); // det < detectors.length = slotOf.length
    return slot < 0 ? slot == -2 : ((slots >> (<u64>slot)) & 1) != 0;
  }

  /** Every occurrence of a gated keyword (ASCII case-insensitive) starting in [from, to), in order. */
  private scan(from: u32, to: u32): void {
    const p = this.field;
    const n = this.fieldLen;
    const pairs = changetype<usize>(this.pairs);
    if (this.stride == 2) {
      // Even positions q in [from, to]: a hit tests the starts q - 1 and q that lie in [from, to).
      // Every keyword has >= 3 bytes, so none starts after n - 3: q stops at n - 2.
      if (n < 3) return;
      const last = min(<usize>to, n - 2);
      let q = <usize>((from + 1) & ~1);
      // Four pairs per load: the u64 at q holds the pairs at q, q + 2, q + 4 and q + 6 (q + 7 <=
      // last + 1 < n); one branch on their bits together, as hits are rare.
      for (; q + 6 <= last; q += 8) {
        const x = load<u64>(p + q);
        const a = pairBits(pairs, <u32>x & 0xffff);
        const b = pairBits(pairs, <u32>(x >> 16) & 0xffff);
        const c = pairBits(pairs, <u32>(x >> 32) & 0xffff);
        const d = pairBits(pairs, <u32>(x >> 48));
        if (((a | b | c | d) & PAIR) == 0) continue;
        if (a & PAIR) this.pairAt(q, from, to);
        if (b & PAIR) this.pairAt(q + 2, from, to);
        if (c & PAIR) this.pairAt(q + 4, from, to);
        if (d & PAIR) this.pairAt(q + 6, from, to);
      }
      for (; q <= last; q += 2) {
        if (pairBits(pairs, <u32>load<u16>(p + q)) & PAIR) this.pairAt(q, from, to); // q + 1 <= last + 1 < n
      }
      return;
    }
    // Every byte but the field's last: the u16 at i is (byte i+1 << 8 | byte i), inside the field.
    const pairEnd = min(<usize>to, n - 1);
    let i = <usize>from;
    for (; i < pairEnd; i++) {
      if (pairBits(pairs, <u32>load<u16>(p + i)) & PAIR) this.matchAt(i);
    }
    if (i < <usize>to) {
      // The field's last byte pairs with 0 (past the field), as a one-byte word would.
      const last = <u32>load<u8>(p + i);
      if (pairBits(pairs, last) & PAIR) this.matchAt(i);
    }
  }

  /**
   * A pair hit at even q: the keyword starts q - 1 and q that lie in [from, to) and whose first
   * two bytes begin a keyword and second and third bytes continue one (stride 2: every keyword
   * has >= 3 bytes and q + 1 < field length).
   */
  @inline private pairAt(q: usize, from: u32, to: u32): void {
    const pairs = changetype<usize>(this.pairs);
    const p = this.field;
    const here = pairBits(pairs, <u32>load<u16>(p + q));
    if (q > <usize>from && (here & MID) != 0 && (pairBits(pairs, <u32>load<u16>(p + q - 1)) & HEAD) != 0) this.matchAt(q - 1);
    // A keyword starting at q ends by q + 3 <= field length; the u16 at q + 1 is then inside it.
    if (q < <usize>to && (here & HEAD) != 0 && q + 2 < this.fieldLen && (pairBits(pairs, <u32>load<u16>(p + q + 1)) & MID) != 0) this.matchAt(q);
  }

  private matchAt(i: usize): void {
    const p = this.field;
    const n = this.fieldLen;
    const lower = changetype<usize>(LOWER);
    const bytes = changetype<usize>(this.flatBytes);
    const b0 = <u32>load<u8>(lower + <usize>load<u8>(p + i));
    const b1 = i + 1 < n ? <u32>load<u8>(lower + <usize>load<u8>(p + i + 1)) : 0x200;
    const end = unchecked(this.firstFrom[b0 + 1]); // b0 < 256
    for (let k = unchecked(this.firstFrom[b0]); k < end; k++) {
      // k < wordCount = length of every flat array.
      const head = unchecked(this.flatHead[k]);
      if ((head & 0xff) != b0) continue;
      const second = head >> 8;
      if (second != 0x100 && second != b1) continue;
      const m = <usize>unchecked(this.flatLen[k]);
      if (i + m > n) continue;
      const w = bytes + <usize>unchecked(this.flatStart[k]);
      let j: usize = 0;
      while (j < m && load<u8>(lower + <usize>load<u8>(p + i + j)) == load<u8>(w + j)) j++;
      if (j < m) continue;
      if (this.occCount == this.occStart.length) this.grow();
      const c = this.occCount++;
      unchecked((this.occStart[c] = <u32>i)); // c < capacity: grown above
      unchecked((this.occEnd[c] = <u32>(i + m)));
      unchecked((this.occMask[c] = unchecked(this.flatMask[k])));
      this.clearFrom = <u32>i + 1;
    }
  }

  private grow(): void {
    const cap = this.occStart.length << 1;
    const start = new StaticArray<u32>(cap);
    const end = new StaticArray<u32>(cap);
    const mask = new StaticArray<u64>(cap);
    const n = <usize>this.occCount;
    memory.copy(changetype<usize>(start), changetype<usize>(this.occStart), n << 2);
    memory.copy(changetype<usize>(end), changetype<usize>(this.occEnd), n << 2);
    memory.copy(changetype<usize>(mask), changetype<usize>(this.occMask), n << 3);
    this.occStart = start;
    this.occEnd = end;
    this.occMask = mask;
  }
}
