import { lzUnpack } from "../lz-unpack";

/** lzPack (scripts/lib/lz-pack.mjs) of "abcabcabcabcabc-xyz-xyz-xyzzzzzzzzz": literals, an
 * overlapping match, a run (distance 1) and an empty final literal run. */
const PACKED: u8[] = [35, 3, 97, 98, 99, 8, 3, 4, 45, 120, 121, 122, 4, 4, 0, 4, 1, 0];

function unpack(bytes: u8[]): string | null {
  const buf = new ArrayBuffer(bytes.length);
  for (let i = 0; i < bytes.length; i++) store<u8>(changetype<usize>(buf) + <usize>i, bytes[i]);
  const out = lzUnpack(changetype<usize>(buf), <usize>bytes.length);
  return out === null ? null : String.UTF8.decode(out);
}

describe("lzUnpack", () => {
  it("unpacks literals, overlapping matches and runs", () => {
    expect(unpack(PACKED)).toBe("abcabcabcabcabc-xyz-xyz-xyzzzzzzzzz");
  });

  it("unpacks an empty input and a literal-only input", () => {
    expect(unpack([0, 0])).toBe("");
    expect(unpack([2, 2, 104, 105])).toBe("hi");
  });

  it("refuses every truncation that loses bytes instead of trapping", () => {
    // The last byte is the empty final literal run: without it nothing is lost.
    for (let n = 0; n < PACKED.length - 1; n++) expect(unpack(PACKED.slice(0, n))).toBeNull();
  });

  it("refuses a distance before the start, a zero distance and a match past the size", () => {
    expect(unpack([8, 1, 97, 3, 2])).toBeNull(); // distance 2 with one byte out
    expect(unpack([5, 1, 97, 0, 0])).toBeNull(); // distance 0
    expect(unpack([3, 1, 97, 0, 1])).toBeNull(); // 4 bytes into a size of 3
    expect(unpack([1, 2, 97, 98])).toBeNull(); // literals past the size
    expect(unpack([2, 1, 97])).toBeNull(); // fewer bytes than the size
    expect(unpack([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).toBeNull(); // over-long varint
  });
});
