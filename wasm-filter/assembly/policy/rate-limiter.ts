// Token buckets in Envoy shared data, so every worker VM of one Envoy process draws from the same
// bucket (notes §3, §6: shared data is the only cross-worker state). Compare-and-swap loop:
// get (value, cas) → compute → set with cas → retry on CasMismatch. Bounded retries: under
// extreme contention the request is let through and counted (fail-open for the limiter itself).
import { getSharedDataAt, setSharedDataAt, nowMillis } from "../abi/host";
import { WasmResult } from "../abi/types";
import { Policy } from "./model";
import { BucketState, takeToken } from "./token-bucket";
import { RateLimiter, RateOutcome } from "./verdict";

// @ts-ignore: decorator
@inline const MAX_CAS_ATTEMPTS: i32 = 16;
// Bucket keys include client-controlled values; cap them so a huge header cannot make a huge key.
// @ts-ignore: decorator
@inline const MAX_KEY_CHARS: i32 = 256;

export class SharedDataRateLimiter extends RateLimiter {
  /** Times the CAS loop gave up and let a request through. */
  contentionFailOpen: u64 = 0;

  /** The shared-data key of the last take(), kept while requests repeat the policy and key. */
  private lastPolicyId: string = "";
  private lastKey: string = "";
  private lastKeyBytes: ArrayBuffer = new ArrayBuffer(0);
  // Reused on every take(): the bucket read, the bytes written (the host copies them) and the
  // outcome (decide() reads it at once).
  private read: BucketState = new BucketState(0, 0);
  private written: ArrayBuffer = new ArrayBuffer(16);
  private outcome: RateOutcome = new RateOutcome(true, 0);

  take(policy: Policy, key: string): RateOutcome {
    const rl = policy.rateLimit;
    if (rl === null) return new RateOutcome(true, 0);
    if (key != this.lastKey || policy.id != this.lastPolicyId || this.lastKeyBytes.byteLength == 0) {
      this.lastKeyBytes = String.UTF8.encode("palisade:rl:" + policy.id + ":" + (key.length > MAX_KEY_CHARS ? key.substring(0, MAX_KEY_CHARS) : key));
      this.lastPolicyId = policy.id;
      this.lastKey = key;
    }
    const k = this.lastKeyBytes;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = getSharedDataAt(k);
      let prev: BucketState | null = null;
      let cas: u32 = 0;
      if (current.status == WasmResult.Ok) {
        const value = current.value;
        if (value !== null && this.read.decodeFrom(value)) prev = this.read;
        cas = current.cas;
      }
      const result = takeToken(prev, nowMillis(), rl.rate, rl.periodSeconds, rl.burst);
      // A missing key is created with cas 0... but two workers may create it at once; the second
      // write then overwrites the first. One extra token at creation is the accepted cost.
      result.state.encodeInto(this.written);
      const status = setSharedDataAt(k, this.written, cas);
      if (status == WasmResult.Ok) {
        this.outcome.allowed = result.allowed;
        this.outcome.retryAfterSeconds = result.retryAfterSeconds;
        return this.outcome;
      }
      if (status != WasmResult.CasMismatch) break;
    }
    this.contentionFailOpen++;
    return new RateOutcome(true, 0);
  }
}
