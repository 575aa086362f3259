// Token bucket arithmetic, pure so that the shared-data CAS loop (rate-limiter.ts) and the unit
// tests use the same code. Tokens are kept in millitokens so refills at low rates (1 per minute)
// do not round away between requests.

// @ts-ignore: decorator
@inline const MILLI: u64 = 1000;

/** Bucket state as stored in shared data: 16 bytes, little-endian (millitokens, last refill ms). */
export class BucketState {
  constructor(
    public milliTokens: u64,
    public updatedMs: u64,
  ) {}

  encode(): ArrayBuffer {
    const out = new ArrayBuffer(16);
    this.encodeInto(out);
    return out;
  }

  /** encode() into `out` (16 bytes at least). */
  encodeInto(out: ArrayBuffer): void {
    store<u64>(changetype<usize>(out), this.milliTokens);
    store<u64>(changetype<usize>(out) + 8, this.updatedMs);
  }

  /** Null for a value of the wrong size (another writer's format): the caller resets it. */
  static decode(buf: ArrayBuffer): BucketState | null {
    const state = new BucketState(0, 0);
    return state.decodeFrom(buf) ? state : null;
  }

  /** decode() into this state; false (this unchanged) for a value of the wrong size. */
  decodeFrom(buf: ArrayBuffer): bool {
    if (buf.byteLength != 16) return false;
    this.milliTokens = load<u64>(changetype<usize>(buf));
    this.updatedMs = load<u64>(changetype<usize>(buf) + 8);
    return true;
  }
}

export class TakeResult {
  constructor(
    public allowed: bool,
    public state: BucketState,
    /** Seconds until one token is available again (for `retry-after`), 0 when allowed. */
    public retryAfterSeconds: u32,
  ) {}
}

/**
 * Refills `prev` (null = a new, full bucket) to `nowMs` and takes one token when available.
 * `rate` tokens per `periodSeconds`, capacity `burst` (0 = rate).
 */
export function takeToken(prev: BucketState | null, nowMs: u64, rate: u32, periodSeconds: u32, burst: u32): TakeResult {
  const capacity = <u64>(burst > 0 ? burst : rate) * MILLI;
  const periodMs = <u64>(periodSeconds > 0 ? periodSeconds : 1) * 1000;
  let tokens = capacity;
  let updated = nowMs;
  if (prev !== null) {
    tokens = prev.milliTokens < capacity ? prev.milliTokens : capacity;
    updated = prev.updatedMs;
    if (nowMs > updated) {
      // millitokens gained = elapsed * rate * 1000 / periodMs; computed in u64 (elapsed is capped
      // at one hour and rate is a u32, so the product stays below 2^64).
      let elapsed = nowMs - updated;
      if (elapsed > 3_600_000) elapsed = 3_600_000;
      const gained = (elapsed * <u64>rate * MILLI) / periodMs;
      if (tokens + gained >= capacity || rate == 0) {
        tokens = capacity < tokens + gained ? capacity : tokens + gained;
        updated = nowMs;
      } else {
        // Advance the clock only by the time that produced the whole millitokens gained: the
        // remainder counts towards the next refill. (Moving it to `nowMs` would drop up to one
        // millitoken per request, and slow a 1-per-minute limit hit every 100 ms by 40 %.)
        tokens += gained;
        updated += (gained * periodMs) / (<u64>rate * MILLI);
      }
    }
  }
  if (tokens >= MILLI) return new TakeResult(true, new BucketState(tokens - MILLI, updated), 0);
  let retry: u32 = 1;
  if (rate > 0) {
    const missing = MILLI - tokens;
    const waitMs = (missing * periodMs + <u64>rate * MILLI - 1) / (<u64>rate * MILLI);
    retry = <u32>((waitMs + 999) / 1000);
    if (retry == 0) retry = 1;
  } else retry = periodSeconds > 0 ? periodSeconds : 1;
  return new TakeResult(false, new BucketState(tokens, updated), retry);
}
