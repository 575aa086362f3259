import { decodePairs, encodePairs, HeaderPair, PairStrings } from "../pairs";

function serialized(): ArrayBuffer {
  const pairs = new Array<HeaderPair>();
  pairs.push(new HeaderPair("accept", "application/json"));
  pairs.push(new HeaderPair("x-name", "Zoë"));
  return encodePairs(pairs);
}

describe("decodePairs", () => {
  it("points ASCII values at their bytes in the owning buffer", () => {
    const block = serialized();
    const pairs = decodePairs(changetype<usize>(block), <usize>block.byteLength, block);
    expect(pairs.length).toBe(2);
    expect(pairs[0].raw).toBe(block);
    const at = changetype<usize>(block) + <usize>pairs[0].rawValueAt;
    expect(String.UTF8.decodeUnsafe(at, <usize>pairs[0].rawValueLength)).toBe("application/json");
  });
  it("leaves non-ASCII values without raw bytes, so they are re-encoded", () => {
    const block = serialized();
    const pairs = decodePairs(changetype<usize>(block), <usize>block.byteLength, block);
    expect(pairs[1].value).toBe("Zoë");
    expect(pairs[1].raw).toBeNull();
  });
  it("finds a byte beyond ASCII anywhere in a value, in the eight-byte steps or the tail", () => {
    const values = ["abcdefghé", "éabcdefgh", "abcdefghijklmnoé", "abcdefgh", "abcdefghijklmnop"];
    const pairs = new Array<HeaderPair>();
    for (let i = 0; i < values.length; i++) pairs.push(new HeaderPair("x-" + i.toString(), values[i]));
    const block = encodePairs(pairs);
    const got = decodePairs(changetype<usize>(block), <usize>block.byteLength, block);
    for (let i = 0; i < values.length; i++) {
      expect(got[i].value).toBe(values[i]);
      expect(got[i].raw === null).toBe(values[i].includes("é"), values[i]);
    }
  });
  it("refills a list given back, and its pairs, with the new map's values and raw bytes", () => {
    const a = serialized();
    const first = decodePairs(changetype<usize>(a), <usize>a.byteLength, a);
    const firstPair = changetype<usize>(first[0]);
    const other = new Array<HeaderPair>();
    other.push(new HeaderPair("x-name", "Zoë"));
    other.push(new HeaderPair("accept", "text/html"));
    other.push(new HeaderPair("x-more", "1"));
    const b = encodePairs(other);
    const second = decodePairs(changetype<usize>(b), <usize>b.byteLength, b, null, first);
    expect(changetype<usize>(second)).toBe(changetype<usize>(first));
    expect(second.length).toBe(3);
    expect(second[0].name).toBe("x-name");
    expect(second[0].value).toBe("Zoë");
    expect(second[0].raw).toBeNull(); // non-ASCII: no raw bytes, whatever the pair held before
    expect(second[1].value).toBe("text/html");
    expect(second[1].raw).toBe(b);
    expect(second[2].value).toBe("1");
    let reused = false;
    for (let i = 0; i < 3; i++) reused = reused || changetype<usize>(second[i]) == firstPair;
    expect(reused).toBe(true);
  });
  it("records no raw bytes without an owner", () => {
    const block = serialized();
    const pairs = decodePairs(changetype<usize>(block), <usize>block.byteLength);
    expect(pairs[0].raw).toBeNull();
  });
  it("reuses last map's strings at the same position only when the bytes are equal", () => {
    const strings = new PairStrings();
    const a = serialized();
    const first = decodePairs(changetype<usize>(a), <usize>a.byteLength, a, strings);
    const other = new Array<HeaderPair>();
    other.push(new HeaderPair("accept", "text/html"));
    other.push(new HeaderPair("x-name", "Zoë"));
    const b = encodePairs(other);
    const second = decodePairs(changetype<usize>(b), <usize>b.byteLength, b, strings);
    expect(changetype<usize>(second[0].name)).toBe(changetype<usize>(first[0].name)); // reused
    expect(second[0].value).toBe("text/html"); // different bytes: decoded afresh
    expect(second[1].value).toBe("Zoë"); // non-ASCII is never matched char by byte
    const c = serialized();
    const third = decodePairs(changetype<usize>(c), <usize>c.byteLength, c, strings);
    expect(third[0].value).toBe("application/json");
    expect(changetype<usize>(third[1].name)).toBe(changetype<usize>(first[1].name));
  });
});
