import { inflate } from "../inflate";

// In scripts/lib/rules-pack.mjs's format (u32 size, then Node's zlib deflateRawSync): one vector
// per DEFLATE block type.
/** "stored bytes" at level 0: a stored block. */
const STORED: u8[] = [12, 0, 0, 0, 1, 12, 0, 243, 255, 115, 116, 111, 114, 101, 100, 32, 98, 121, 116, 101, 115];
/** "abcabcabcabcabc-xyz-xyz-xyzzzzzzzzz" with Z_FIXED: fixed codes, overlapping matches, a run. */
const FIXED: u8[] = [35, 0, 0, 0, 75, 76, 74, 78, 68, 66, 186, 21, 149, 85, 48, 12, 3, 0];
/** 600 bytes of skewed `a`-`e` (skewed(), below) at level 9: a dynamic block. */
const DYNAMIC: u8[] = [
  88, 2, 0, 0, 77, 81, 1, 14, 196, 48, 8, 122, 43, 32, 255, 255, 194, 5, 180, 151, 37, 235, 106, 75, 69, 68, 1, 0, 187, 6, 147, 64, 36, 224, 4, 147,
  136, 144, 72, 103, 17, 4, 153, 127, 113, 192, 251, 190, 4, 212, 209, 48, 32, 57, 141, 7, 212, 2, 16, 74, 103, 200, 180, 131, 28, 223, 64, 33, 228, 9, 201, 118,
  59, 70, 203, 136, 62, 224, 197, 199, 186, 202, 181, 160, 183, 3, 229, 172, 205, 231, 216, 151, 254, 190, 169, 188, 180, 20, 57, 138, 200, 69, 202, 83, 53, 201, 21, 24,
  43, 180, 85, 130, 137, 152, 239, 243, 15, 235, 42, 168, 3, 226, 164, 246, 218, 102, 154, 227, 162, 177, 46, 85, 91, 159, 177, 18, 144, 148, 187, 196, 71, 160, 219, 201,
  105, 37, 106, 69, 65, 6, 38, 234, 163, 25, 243, 84, 248, 105, 123, 137, 219, 158, 86, 159, 38, 118, 164, 143, 81, 169, 217, 73, 217, 77, 143, 251, 174, 52, 82, 235,
  40, 76, 93, 171, 255, 49, 87, 194, 242, 187, 166, 178, 211, 85, 166, 214, 185, 78, 206, 114, 132, 229, 15, 209, 189, 194, 15,
];

function unpack(bytes: u8[]): ArrayBuffer | null {
  const buf = new ArrayBuffer(bytes.length);
  for (let i = 0; i < bytes.length; i++) store<u8>(changetype<usize>(buf) + <usize>i, bytes[i]);
  return inflate(changetype<usize>(buf), <usize>bytes.length);
}

function text(bytes: u8[]): string | null {
  const out = unpack(bytes);
  return out === null ? null : String.UTF8.decode(out);
}

/** The input DYNAMIC packs: a linear congruential sequence mapped to a skewed alphabet. */
function skewed(): string {
  let s: u32 = 7;
  let out = "";
  for (let i = 0; i < 600; i++) {
    s = s * 1103515245 + 12345;
    const r = s >>> 24;
    out += r < 128 ? "a" : r < 192 ? "b" : r < 224 ? "c" : r < 240 ? "d" : "e";
  }
  return out;
}

describe("inflate", () => {
  it("unpacks a stored block", () => {
    expect(text(STORED)).toBe("stored bytes");
  });

  it("unpacks fixed codes with overlapping matches and runs", () => {
    expect(text(FIXED)).toBe("abcabcabcabcabc-xyz-xyz-xyzzzzzzzzz");
  });

  it("unpacks dynamic codes", () => {
    expect(text(DYNAMIC)).toBe(skewed());
  });

  it("refuses every truncation instead of trapping", () => {
    for (let n = 0; n < STORED.length; n++) expect(unpack(STORED.slice(0, n))).toBeNull();
    for (let n = 0; n < FIXED.length; n++) expect(unpack(FIXED.slice(0, n))).toBeNull();
    for (let n = 0; n < DYNAMIC.length; n++) expect(unpack(DYNAMIC.slice(0, n))).toBeNull();
  });

  it("refuses a wrong size, a reserved block type and a bad stored length", () => {
    const small = FIXED.slice(0);
    small[0] = 34; // one byte fewer than the stream holds
    expect(unpack(small)).toBeNull();
    const big = FIXED.slice(0);
    big[0] = 36;
    expect(unpack(big)).toBeNull();
    expect(unpack([0, 0, 0, 0, 7])).toBeNull(); // a final block of the reserved type 3
    const stored = STORED.slice(0);
    stored[7] = 0; // NLEN is not the complement of LEN
    expect(unpack(stored)).toBeNull();
  });

  it("never traps on corrupt bytes", () => {
    for (let i = 4; i < DYNAMIC.length; i++) {
      const bad = DYNAMIC.slice(0);
      bad[i] ^= 0x5a;
      const out = unpack(bad); // null, or bytes of the stated size: never a trap
      if (out !== null) expect(out.byteLength).toBe(600);
    }
  });
});
