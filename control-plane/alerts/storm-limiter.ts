// Storm limiting per route: a token bucket (burst, refill per minute). Over the limit an alert is
// held back and counted; the next alert that gets through carries the count, so a storm becomes
// one summary instead of a hundred pages.
export class StormLimiter {
  private tokens: number;
  private last: number;
  private held = 0;
  private readonly perMs: number;
  private readonly burst: number;

  constructor(perMinute: number, burst: number, now: number) {
    this.perMs = perMinute / 60_000;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token; returns how many alerts were held back since the last one that passed, or null when over the limit. */
  take(now: number): number | null {
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) {
      this.held++;
      return null;
    }
    this.tokens -= 1;
    const held = this.held;
    this.held = 0;
    return held;
  }

  get heldBack(): number {
    return this.held;
  }
}
