// Overlaps between detectors within one field (docs/detectors.md §7): the most confident, then
// longest, then lowest-indexed detector, then leftmost finding wins each contested byte range;
// the survivors are then put back in wire order. Linear-logarithmic in the field's findings: a
// large body can hold thousands, and this runs once per field (and once per segment after the
// finding limit, scanner.ts settle()). Most findings overlap no other (an email, a phone number):
// the findings are put in wire order first, which they arrive in or nearly, and only a run of
// findings whose spans chain into each other is ranked; a finding alone in its run is kept as is.
import { Finding, Findings } from "./findings";
import { ByteBuf } from "./segment";

/**
 * The §7 order over two matches given by confidence, raw span and detector index: whether a is
 * considered before b (a total order). The one definition of it: the field-wide pass below and
 * the per-segment one (segment-overlaps.ts) both rank by it.
 */
@inline export function rankedBefore(ca: u32, sa: u32, ea: u32, da: i32, cb: u32, sb: u32, eb: u32, db: i32): bool {
  if (ca != cb) return ca > cb;
  const la = ea - sa;
  const lb = eb - sb;
  if (la != lb) return la > lb;
  if (da != db) return da < db;
  return sa < sb;
}

/** Whether a should be considered before b when resolving overlaps (§7). */
function ranksBefore(a: Finding, b: Finding): bool {
  return rankedBefore(a.confidence, a.start, a.end, a.detector, b.confidence, b.start, b.end, b.detector);
}

function wireBefore(a: Finding, b: Finding): bool {
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end < b.end;
  return a.detector < b.detector;
}

const work = new Array<Finding>();
const kept = new Array<Finding>();
const dropped = new Array<Finding>();
const scratch = new Array<Finding>();
const run = new Array<Finding>();
const survivors = new Array<Finding>();
/** One bit per raw byte of the field, set where a kept finding lies (kept spans never intersect). */
const claimed = new ByteBuf();

/** Below this many, insertion sort: fewer moves than merging, and the common case. */
@inline const SMALL: i32 = 24;

/** Sorts list by `before` (a strict total order): insertion sort when short, else merge sort. */
function sortBy(list: Array<Finding>, before: (a: Finding, b: Finding) => bool): void {
  const n = list.length;
  let sorted = 1;
  while (sorted < n && !before(list[sorted], list[sorted - 1])) sorted++;
  if (sorted == n) return; // already in order: the usual case for wire order
  if (n <= SMALL) {
    insertionSort(list, 0, n, before);
    return;
  }
  // Bottom-up merge sort over SMALL-sized insertion-sorted runs, ping-ponging with scratch.
  for (let i = 0; i < n; i += SMALL) insertionSort(list, i, min(n, i + SMALL), before);
  scratch.length = n;
  let src = list;
  let dst = scratch;
  for (let width = SMALL; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(n, lo + width);
      const hi = min(n, lo + (width << 1));
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        if (a < mid && (b >= hi || !before(src[b], src[a]))) dst[k] = src[a++];
        else dst[k] = src[b++];
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== list) for (let i = 0; i < n; i++) list[i] = src[i];
}

function insertionSort(list: Array<Finding>, from: i32, to: i32, before: (a: Finding, b: Finding) => bool): void {
  for (let i = from + 1; i < to; i++) {
    const x = list[i];
    let j = i - 1;
    while (j >= from && before(x, list[j])) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = x;
  }
}

/** Whether any byte of [s, e) (relative to the claimed base) is claimed. */
function anyClaimed(s: u32, e: u32): bool {
  const p = claimed.ptr;
  for (let i = s; i < e; i++) if ((load<u8>(p + <usize>(i >> 3)) & (1 << (i & 7))) != 0) return true;
  return false;
}

function claim(s: u32, e: u32): void {
  const p = claimed.ptr;
  for (let i = s; i < e; i++) {
    const at = p + <usize>(i >> 3);
    store<u8>(at, load<u8>(at) | (<u8>1 << <u8>(i & 7)));
  }
}

/** Resolves overlaps among out[from, out.count) and leaves the survivors there in wire order. */
export function resolveOverlaps(out: Findings, from: i32): void {
  const count = out.count;
  if (count - from < 2) return;
  // Findings come segment by segment in wire order, and past the finding limit the field is
  // resolved after each segment (scanner.ts settle()): a leading stretch in wire order without an
  // intersection, which every later finding starts after, is final as it stands.
  let p = from + 1;
  while (p < count) {
    const prev = out.at(p - 1);
    const f = out.at(p);
    if (f.start < prev.end || !wireBefore(prev, f)) break;
    p++;
  }
  if (p == count) return;
  // [from, p) is in order and disjoint, so its last span ends last; out.at(p - 1) may be the one
  // out.at(p) intersects or sorts before: it goes with the rest.
  let settled = p - 1;
  if (settled > from) {
    const end = out.at(settled - 1).end;
    for (let i = settled; i < count; i++) {
      if (out.at(i).start < end) {
        settled = from;
        break;
      }
    }
  }
  resolveRest(out, settled);
}

/** §7 over out[from, out.count), in any order. */
function resolveRest(out: Findings, from: i32): void {
  const n = out.count - from;
  work.length = 0;
  kept.length = 0;
  dropped.length = 0;
  for (let i = from; i < out.count; i++) work.push(out.at(i));
  sortBy(work, wireBefore);
  // In wire order a finding can only intersect the ones before it whose spans reach past its
  // start: the field splits into runs that share no byte with each other, and §7's walk in rank
  // order keeps or drops a finding by the findings of its own run alone.
  for (let i = 0; i < n; ) {
    const first = work[i];
    let reach = first.end;
    let j = i + 1;
    while (j < n && work[j].start < reach) {
      reach = max(reach, work[j].end);
      j++;
    }
    if (j == i + 1) kept.push(first);
    else if (j == i + 2) {
      // Two findings that intersect: the higher ranked is kept (a phone number also read as another
      // detector's, say).
      const second = work[i + 1];
      const firstWins = ranksBefore(first, second);
      kept.push(firstWins ? first : second);
      dropped.push(firstWins ? second : first);
    } else resolveRun(i, j, first.start, reach);
    i = j;
  }
  for (let i = 0; i < kept.length; i++) out.setAt(from + i, kept[i]);
  // Dropped findings stay in the pool behind count so their objects are reused.
  for (let i = 0; i < dropped.length; i++) out.setAt(from + kept.length + i, dropped[i]);
  out.truncate(from + kept.length);
}

/**
 * §7 over the run work[i, j) of intersecting findings, whose spans lie in [lo, hi): appends the
 * survivors to `kept` in wire order, the others to `dropped`.
 */
function resolveRun(i: i32, j: i32, lo: u32, hi: u32): void {
  run.length = 0;
  survivors.length = 0;
  for (let k = i; k < j; k++) run.push(work[k]);
  const bytes = <usize>((hi - lo + 7) >> 3);
  claimed.ensure(bytes);
  memory.fill(claimed.ptr, 0, bytes);
  sortBy(run, ranksBefore);
  for (let k = 0; k < run.length; k++) {
    const f = run[k];
    // Spans are [start, end) with start >= lo and end <= hi, so the bits stay inside `bytes`.
    if (anyClaimed(f.start - lo, f.end - lo)) dropped.push(f);
    else {
      claim(f.start - lo, f.end - lo);
      survivors.push(f);
    }
  }
  sortBy(survivors, wireBefore);
  for (let k = 0; k < survivors.length; k++) kept.push(survivors[k]);
}
