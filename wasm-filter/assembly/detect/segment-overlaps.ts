// Overlaps (docs/detectors.md §7) settled among one segment's kept matches before they become
// Findings. Walkers hand over segments with disjoint raw spans (scanner.ts settle()), so a match
// can only contest bytes with matches of its own segment, and §7's walk in rank order over the
// segment gives exactly what the field-wide walk (overlaps.ts) gives for it. Done here, the
// losers never get a masked preview, a value hash, a path or a Finding: a phone number read by
// two phone detectors, say, costs one finding, not two and a field-wide sort.
import { rankedBefore } from "./overlaps";

/** Above this many live matches in one segment the field-wide pass (overlaps.ts) settles them. */
@inline export const SEGMENT_RESOLVE_MAX: i32 = 32;

const order = new StaticArray<i32>(SEGMENT_RESOLVE_MAX);

/** The §7 rank order (overlaps.ts rankedBefore) over kept matches a and b, by raw span. */
@inline function ranksBefore(
  a: i32,
  b: i32,
  det: StaticArray<u32>,
  conf: StaticArray<u32>,
  rawStart: StaticArray<u32>,
  rawEnd: StaticArray<u32>,
): bool {
  // a, b < count <= the arrays' length (callers' invariant).
  return rankedBefore(
    unchecked(conf[a]),
    unchecked(rawStart[a]),
    unchecked(rawEnd[a]),
    <i32>unchecked(det[a]),
    unchecked(conf[b]),
    unchecked(rawStart[b]),
    unchecked(rawEnd[b]),
    <i32>unchecked(det[b]),
  );
}

/**
 * Marks dead (alive[k] = false) the kept matches [0, count) that lose a contested byte range to
 * a higher-ranked one, given their raw spans [rawStart[k], rawEnd[k]). Matches come in end order,
 * so when each starts at or after the previous one's end nothing overlaps: the usual case, one
 * pass. A segment with more than SEGMENT_RESOLVE_MAX live matches is left to overlaps.ts.
 */
export function resolveSegmentOverlaps(
  count: i32,
  det: StaticArray<u32>,
  conf: StaticArray<u32>,
  alive: StaticArray<bool>,
  rawStart: StaticArray<u32>,
  rawEnd: StaticArray<u32>,
): void {
  // count <= the length of every array (the scanner's kept arrays grow together).
  let live = 0;
  let overlap = false;
  let prevEnd: u32 = 0;
  for (let k = 0; k < count; k++) {
    if (!unchecked(alive[k])) continue;
    if (live > 0 && unchecked(rawStart[k]) < prevEnd) overlap = true;
    prevEnd = unchecked(rawEnd[k]);
    live++;
  }
  if (!overlap || live > SEGMENT_RESOLVE_MAX) return;
  let n = 0;
  for (let k = 0; k < count; k++) {
    if (!unchecked(alive[k])) continue;
    // Insertion by rank: live <= SEGMENT_RESOLVE_MAX = order.length.
    let j = n++;
    while (j > 0 && ranksBefore(k, unchecked(order[j - 1]), det, conf, rawStart, rawEnd)) {
      unchecked((order[j] = order[j - 1]));
      j--;
    }
    unchecked((order[j] = k));
  }
  // Walk in rank order: a match is kept when no higher-ranked kept one shares a byte with it.
  for (let i = 1; i < n; i++) {
    const k = unchecked(order[i]);
    const s = unchecked(rawStart[k]);
    const e = unchecked(rawEnd[k]);
    for (let h = 0; h < i; h++) {
      const w = unchecked(order[h]);
      if (!unchecked(alive[w])) continue;
      if (s < unchecked(rawEnd[w]) && unchecked(rawStart[w]) < e) {
        unchecked((alive[k] = false));
        break;
      }
    }
  }
}
