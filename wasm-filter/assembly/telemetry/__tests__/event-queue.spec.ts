import { EventQueue } from "../event-queue";

function ev(n: u8): ArrayBuffer {
  const b = new ArrayBuffer(1);
  store<u8>(changetype<usize>(b), n);
  return b;
}

function first(b: ArrayBuffer): u8 {
  return load<u8>(changetype<usize>(b));
}

describe("EventQueue", () => {
  it("hands events out oldest first, at most `max` at a time", () => {
    const q = new EventQueue(10);
    for (let i: u8 = 0; i < 5; i++) q.push(ev(i));
    const a = q.take(3);
    expect(a.length).toBe(3);
    expect(first(a[0])).toBe(0);
    expect(first(a[2])).toBe(2);
    expect(q.length).toBe(2);
    const b = q.take(10);
    expect(b.length).toBe(2);
    expect(first(b[1])).toBe(4);
    expect(q.length).toBe(0);
  });

  it("is bounded in bytes too: the oldest events go until the new one fits", () => {
    const q = new EventQueue(100, 3);
    for (let i: u8 = 0; i < 3; i++) q.push(ev(i));
    expect(q.bytes).toBe(3);
    q.push(ev(3));
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(1);
    const big = new ArrayBuffer(10);
    q.push(big);
    expect(q.length).toBe(1); // the newest is kept even when larger than the bound
    expect(q.dropped).toBe(4);
    expect(q.bytes).toBe(10);
    expect(q.take(5)[0].byteLength).toBe(10);
    expect(q.bytes).toBe(0);
  });

  it("is bounded: when full the oldest event is dropped and counted", () => {
    const q = new EventQueue(3);
    for (let i: u8 = 0; i < 7; i++) q.push(ev(i));
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(4);
    const out = q.take(3);
    expect(first(out[0])).toBe(4);
    expect(first(out[2])).toBe(6);
  });

  it("wraps around its ring without losing order", () => {
    const q = new EventQueue(4);
    for (let round: u8 = 0; round < 5; round++) {
      q.push(ev(round * 2));
      q.push(ev(round * 2 + 1));
      const out = q.take(2);
      expect(first(out[0])).toBe(round * 2);
      expect(first(out[1])).toBe(round * 2 + 1);
    }
    expect(q.dropped).toBe(0);
  });

  it("treats a capacity below 1 as 1", () => {
    const q = new EventQueue(0);
    q.push(ev(1));
    q.push(ev(2));
    expect(q.length).toBe(1);
    expect(first(q.take(1)[0])).toBe(2);
  });
});
