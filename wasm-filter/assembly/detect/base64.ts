// Base64 decoding (RFC 4648 §4 standard and §5 URL-safe alphabets) into a caller-provided buffer:
// used to judge Basic credentials and JWT headers by what they encode (docs/detectors.md §5).

/** Standard alphabet: `+` and `/`; `=` padding only at the end. */
export const BASE64_STD: i32 = 0;
/** URL-safe alphabet: `-` and `_`; `=` anywhere is ignored (JWT segments carry no padding). */
export const BASE64_URL: i32 = 1;

/** Value of each byte for the letters and digits shared by both alphabets, 0xff otherwise. */
const DECODE_TABLE = new StaticArray<u8>(256);
(function initTable(): void {
  for (let i = 0; i < 256; i++) DECODE_TABLE[i] = 0xff;
  for (let i = 0; i < 26; i++) {
    DECODE_TABLE[65 + i] = <u8>i;
    DECODE_TABLE[97 + i] = <u8>(26 + i);
  }
  for (let i = 0; i < 10; i++) DECODE_TABLE[48 + i] = <u8>(52 + i);
})();

@inline function sextet(c: u32, alphabet: i32): u32 {
  const v = <u32>unchecked(DECODE_TABLE[c]); // c is a byte: < 256 entries
  if (v != 0xff) return v;
  if (alphabet == BASE64_STD) return c == 43 ? 62 : c == 47 ? 63 : 0xff;
  return c == 45 ? 62 : c == 95 ? 63 : 0xff;
}

/**
 * Decodes [ptr, ptr+len) into [out, out+cap). Returns the decoded length, or -1 for a byte outside
 * the alphabet, a dangling single character, misplaced padding or an output longer than cap.
 */
export function base64Decode(ptr: usize, len: usize, out: usize, cap: usize, alphabet: i32): i32 {
  if (alphabet == BASE64_STD) {
    while (len > 0 && load<u8>(ptr + len - 1) == 61) len--;
  }
  let acc: u32 = 0;
  let bits: u32 = 0;
  let chars: usize = 0;
  let n: usize = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c == 61 && alphabet == BASE64_URL) continue;
    const v = sextet(c, alphabet);
    if (v == 0xff) return -1;
    chars++;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= cap) return -1;
      store<u8>(out + n++, <u8>(acc >>> bits)); // n < cap checked just above
    }
  }
  if ((chars & 3) == 1) return -1;
  return <i32>n;
}
