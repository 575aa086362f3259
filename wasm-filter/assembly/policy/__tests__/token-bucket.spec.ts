import { BucketState, takeToken } from "../token-bucket";

/** Requests allowed out of `n` made at one instant on a new bucket. */
function allowedAtOnce(n: i32, rate: u32, burst: u32): i32 {
  let state: BucketState | null = null;
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const r = takeToken(state, 1000, rate, 1, burst);
    state = r.state;
    if (r.allowed) allowed++;
  }
  return allowed;
}

describe("takeToken", () => {
  it("starts full and allows `burst` requests at one instant", () => {
    expect(allowedAtOnce(15, 5, 10)).toBe(10);
  });

  it("uses rate as the capacity when burst is 0", () => {
    expect(allowedAtOnce(10, 3, 0)).toBe(3);
  });

  it("refills at `rate` per period and never above capacity", () => {
    const empty = new BucketState(0, 0);
    expect(takeToken(empty, 199, 5, 1, 5).allowed).toBe(false); // 0.995 tokens
    expect(takeToken(empty, 200, 5, 1, 5).allowed).toBe(true); // 1 token after 200 ms at 5/s
    const later = takeToken(empty, 3_600_000, 5, 1, 5);
    expect(later.state.milliTokens).toBe(4000); // capped at 5 tokens, one taken
  });

  it("keeps fractions of a token at low rates (1 per minute)", () => {
    let state = new BucketState(0, 0);
    // 59 steps of one second each: still short of a token, but nothing is rounded away.
    for (let s: u64 = 1; s < 60; s++) {
      const r = takeToken(state, s * 1000, 1, 60, 1);
      expect(r.allowed).toBe(false);
      state = r.state;
    }
    expect(takeToken(state, 60_000, 1, 60, 1).allowed).toBe(true);
  });

  it("answers retry-after in whole seconds, at least 1", () => {
    const r = takeToken(new BucketState(0, 0), 0, 1, 60, 1);
    expect(r.allowed).toBe(false);
    expect(r.retryAfterSeconds).toBe(60);
    const fast = takeToken(new BucketState(900, 0), 0, 100, 1, 100);
    expect(fast.retryAfterSeconds).toBe(1);
  });

  it("does not refill when the clock goes backwards", () => {
    const r = takeToken(new BucketState(0, 5000), 1000, 10, 1, 10);
    expect(r.allowed).toBe(false);
    expect(r.state.updatedMs).toBe(5000);
  });
});

describe("BucketState", () => {
  it("round-trips through its 16-byte shared-data form", () => {
    const s = BucketState.decode(new BucketState(123456, 1796390000000).encode())!;
    expect(s.milliTokens).toBe(123456);
    expect(s.updatedMs).toBe(1796390000000);
  });

  it("refuses a value of another size (the caller starts a fresh bucket)", () => {
    expect(BucketState.decode(new ArrayBuffer(15))).toBeNull();
  });
});
