// Fixed latency histogram (bounds in types.ts): mergeable by adding counts, so per-minute and
// per-endpoint aggregates stay additive across batches and replicas. Percentiles interpolate
// linearly inside the bucket that holds the rank.
import { LATENCY_BOUNDS_US, LATENCY_BUCKETS } from './types.ts';

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

export function bucketOf(latencyUs: number): number {
  // 16 buckets: a linear scan beats a binary search at this size.
  for (let i = 0; i < LATENCY_BOUNDS_US.length; i++) if (latencyUs <= LATENCY_BOUNDS_US[i]!) return i;
  return LATENCY_BOUNDS_US.length;
}

/** The `q` quantile (0-1) in microseconds; 0 for an empty histogram. */
export function percentile(hist: readonly number[], q: number): number {
  let total = 0;
  for (const c of hist) total += c;
  if (total === 0) return 0;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i]!;
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : LATENCY_BOUNDS_US[i - 1]!;
      // The open-ended bucket reports its lower bound doubled: a visible "very slow", not a guess.
      const hi = i < LATENCY_BOUNDS_US.length ? LATENCY_BOUNDS_US[i]! : lo * 2;
      return Math.round(lo + ((rank - seen) / c) * (hi - lo));
    }
    seen += c;
  }
  return LATENCY_BOUNDS_US[LATENCY_BOUNDS_US.length - 1]! * 2;
}
