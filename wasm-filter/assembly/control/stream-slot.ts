// One reconnecting gRPC stream's state: its token while open, and when to try again after it
// closed. Exponential backoff from 250 ms to 30 s with jitter, so a fleet of workers does not
// reconnect in lockstep when the control plane returns; reset by the first message that arrives.
// Pure (no host calls): the tick in filter.ts asks it whether an attempt is due.

// @ts-ignore: decorator
@inline const BACKOFF_MIN_MS: u64 = 250;
// @ts-ignore: decorator
@inline const BACKOFF_MAX_MS: u64 = 30_000;

export class StreamSlot {
  token: u32 = 0;
  backoffMs: u64 = BACKOFF_MIN_MS;
  nextAttemptMs: u64 = 0;
  opens: u64 = 0;

  get open(): bool {
    return this.token != 0;
  }

  /** The stream closed (or could not be opened): the next attempt waits backoff + jitter. */
  closed(nowMs: u64, jitter: u64): void {
    this.token = 0;
    this.nextAttemptMs = nowMs + this.backoffMs + (jitter % (this.backoffMs / 2 + 1));
    this.backoffMs = this.backoffMs * 2 < BACKOFF_MAX_MS ? this.backoffMs * 2 : BACKOFF_MAX_MS;
  }

  /** A message arrived: the control plane is healthy again. */
  healthy(): void {
    this.backoffMs = BACKOFF_MIN_MS;
  }
}
