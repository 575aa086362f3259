// The time window of a dashboard view: the last N minutes, cut into at most MAX_BUCKETS buckets
// of whole minutes, so a 7-day chart and a 15-minute chart both stay small and aligned.

/** Longest window a view accepts: the raw events retention default (7 days). */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
const MAX_BUCKETS = 120;
const MINUTE_MS = 60_000;

export interface TimeWindow {
  /** Start of the window (inclusive), Unix ms, aligned to the bucket size. */
  sinceMs: number;
  /** End of the window (exclusive), Unix ms. */
  untilMs: number;
  /** Bucket width in ms: a whole number of minutes. */
  bucketMs: number;
}

export function timeWindow(windowMinutes: number, nowMs: number): TimeWindow {
  const minutes = Math.min(Math.max(1, Math.floor(windowMinutes)), MAX_WINDOW_MINUTES);
  const bucketMs = Math.max(1, Math.ceil(minutes / MAX_BUCKETS)) * MINUTE_MS;
  const untilMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const sinceMs = Math.floor((untilMs - minutes * MINUTE_MS) / bucketMs) * bucketMs;
  return { sinceMs, untilMs, bucketMs };
}

/** Start of the bucket `ms` falls in. */
export function bucketOf(w: TimeWindow, ms: number): number {
  return Math.floor(ms / w.bucketMs) * w.bucketMs;
}

/** Every bucket start of the window, oldest first (charts need the empty ones too). */
export function bucketStarts(w: TimeWindow): number[] {
  const out: number[] = [];
  for (let t = w.sinceMs; t < w.untilMs; t += w.bucketMs) out.push(t);
  return out;
}
