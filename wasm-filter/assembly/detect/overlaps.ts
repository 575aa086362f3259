// Overlaps between detectors within one field (docs/detectors.md §7): the most confident, then
// longest, then lowest-indexed detector, then leftmost finding wins each contested byte range;
// the survivors are then put back in wire order.
import { Finding, Findings } from "./findings";

/** Whether a should be considered before b when resolving overlaps. */
function ranksBefore(a: Finding, b: Finding): bool {
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la != lb) return la > lb;
  if (a.detector != b.detector) return a.detector < b.detector;
  return a.start < b.start;
}

function wireBefore(a: Finding, b: Finding): bool {
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end < b.end;
  return a.detector < b.detector;
}

const work = new Array<Finding>();
const kept = new Array<Finding>();
const dropped = new Array<Finding>();

/** Insertion sort (a field holds few findings; stable and allocation-free after warm-up). */
function sortBy(list: Array<Finding>, before: (a: Finding, b: Finding) => bool): void {
  for (let i = 1; i < list.length; i++) {
    const x = list[i];
    let j = i - 1;
    while (j >= 0 && before(x, list[j])) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = x;
  }
}

/** Resolves overlaps among out[from, out.count) and leaves the survivors there in wire order. */
export function resolveOverlaps(out: Findings, from: i32): void {
  const n = out.count - from;
  if (n < 2) return;
  work.length = 0;
  kept.length = 0;
  dropped.length = 0;
  for (let i = from; i < out.count; i++) work.push(out.at(i));
  sortBy(work, ranksBefore);
  for (let i = 0; i < work.length; i++) {
    const f = work[i];
    let clash = false;
    for (let k = 0; k < kept.length && !clash; k++) {
      const g = kept[k];
      clash = f.start < g.end && g.start < f.end;
    }
    if (clash) dropped.push(f);
    else kept.push(f);
  }
  sortBy(kept, wireBefore);
  for (let i = 0; i < kept.length; i++) out.setAt(from + i, kept[i]);
  // Dropped findings stay in the pool behind count so their objects are reused.
  for (let i = 0; i < dropped.length; i++) out.setAt(from + kept.length + i, dropped[i]);
  out.truncate(from + kept.length);
}
