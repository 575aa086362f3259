import { StreamSlot } from "../stream-slot";

describe("StreamSlot", () => {
  it("is open while it holds a token", () => {
    const s = new StreamSlot();
    expect(s.open).toBe(false);
    s.token = 6;
    expect(s.open).toBe(true);
    s.closed(0, 0);
    expect(s.open).toBe(false);
  });

  it("backs off exponentially from 250 ms, capped at 30 s", () => {
    const s = new StreamSlot();
    const waits: Array<u64> = [];
    for (let i = 0; i < 10; i++) {
      s.closed(1000, 0);
      waits.push(s.nextAttemptMs - 1000);
    }
    expect(waits[0]).toBe(250);
    expect(waits[1]).toBe(500);
    expect(waits[2]).toBe(1000);
    expect(waits[7]).toBe(30_000);
    expect(waits[9]).toBe(30_000);
  });

  it("adds at most half the current backoff as jitter", () => {
    const s = new StreamSlot();
    s.closed(0, 1_000_000_007);
    expect(s.nextAttemptMs).toBeGreaterThanOrEqual(250);
    expect(s.nextAttemptMs).toBeLessThanOrEqual(375);
  });

  it("starts again from the minimum once the control plane answers", () => {
    const s = new StreamSlot();
    for (let i = 0; i < 5; i++) s.closed(0, 0);
    s.healthy();
    s.closed(0, 0);
    expect(s.nextAttemptMs).toBe(250);
  });
});
