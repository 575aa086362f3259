import { decodePairs, encodePairs, HeaderPair } from "../pairs";

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
  it("records no raw bytes without an owner", () => {
    const block = serialized();
    const pairs = decodePairs(changetype<usize>(block), <usize>block.byteLength);
    expect(pairs[0].raw).toBeNull();
  });
});
