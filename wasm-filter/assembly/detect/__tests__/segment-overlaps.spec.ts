import { resolveSegmentOverlaps, SEGMENT_RESOLVE_MAX } from "../segment-overlaps";

/** Kept matches as the scanner holds them: detector, confidence, raw span; all alive. */
class Kept {
  det: StaticArray<u32>;
  conf: StaticArray<u32>;
  alive: StaticArray<bool>;
  rawStart: StaticArray<u32>;
  rawEnd: StaticArray<u32>;
  n: i32 = 0;
  constructor(cap: i32) {
    this.det = new StaticArray<u32>(cap);
    this.conf = new StaticArray<u32>(cap);
    this.alive = new StaticArray<bool>(cap);
    this.rawStart = new StaticArray<u32>(cap);
    this.rawEnd = new StaticArray<u32>(cap);
  }
  add(det: u32, conf: u32, s: u32, e: u32): Kept {
    this.det[this.n] = det;
    this.conf[this.n] = conf;
    this.rawStart[this.n] = s;
    this.rawEnd[this.n] = e;
    this.alive[this.n] = true;
    this.n++;
    return this;
  }
  /** Resolves and spells the survivors' indexes, e.g. "0,2". */
  survivors(): string {
    resolveSegmentOverlaps(this.n, this.det, this.conf, this.alive, this.rawStart, this.rawEnd);
    const out = new Array<string>();
    for (let k = 0; k < this.n; k++) if (this.alive[k]) out.push(k.toString());
    return out.join(",");
  }
}

describe("resolveSegmentOverlaps (§7 within one segment)", () => {
  it("keeps disjoint matches, touching ends included", () => {
    expect(new Kept(4).add(3, 50, 0, 5).add(1, 90, 5, 9).add(2, 10, 12, 20).survivors()).toBe("0,1,2");
  });
  it("the more confident of two intersecting matches wins, whatever its detector or length", () => {
    expect(new Kept(4).add(1, 60, 0, 15).add(7, 80, 2, 15).survivors()).toBe("1");
  });
  it("equal confidence: the longer raw span wins, then the lower detector index, then the leftmost", () => {
    expect(new Kept(4).add(1, 70, 3, 15).add(7, 70, 0, 16).survivors()).toBe("1");
    expect(new Kept(4).add(9, 70, 0, 15).add(4, 70, 0, 15).survivors()).toBe("1");
    expect(new Kept(4).add(4, 70, 0, 10).add(4, 70, 5, 15).survivors()).toBe("0");
  });
  it("a match dropped by a winner does not block the matches it alone overlapped", () => {
    // Rank order 2 (90), 1 (80), 0 (70): 2 [10,20) is kept, 1 [5,12) intersects it and is dropped,
    // so 0 [0,6) has no kept rival left and is kept.
    expect(new Kept(4).add(5, 70, 0, 6).add(6, 80, 5, 12).add(7, 90, 10, 20).survivors()).toBe("0,2");
  });
  it("matches already dead stay dead and claim nothing", () => {
    const k = new Kept(4).add(1, 90, 0, 10).add(2, 50, 4, 12);
    k.alive[0] = false;
    expect(k.survivors()).toBe("1");
  });
  it("more than SEGMENT_RESOLVE_MAX live matches are left alone for the field-wide pass", () => {
    const k = new Kept(SEGMENT_RESOLVE_MAX + 2);
    for (let i = 0; i <= SEGMENT_RESOLVE_MAX; i++) k.add(1, 50, <u32>i * 2, <u32>i * 2 + 3);
    resolveSegmentOverlaps(k.n, k.det, k.conf, k.alive, k.rawStart, k.rawEnd);
    let alive = 0;
    for (let i = 0; i < k.n; i++) if (k.alive[i]) alive++;
    expect(alive).toBe(SEGMENT_RESOLVE_MAX + 1);
  });
});
