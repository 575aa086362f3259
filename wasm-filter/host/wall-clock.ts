// The host's default clock for proxy_get_current_time_nanoseconds and WASI's realtime clock.

/**
 * Date.now in nanoseconds (what Envoy's systemTime gives a filter, to the millisecond here). A filter
 * reads the time a few times per request, mostly within one millisecond: the BigInt is made when
 * the millisecond changes, not on every read.
 */
export function wallClockNanos(): () => bigint {
  let ms = -1;
  let ns = 0n;
  return () => {
    const t = Date.now();
    if (t !== ms) {
      ms = t;
      ns = BigInt(t) * 1_000_000n;
    }
    return ns;
  };
}
