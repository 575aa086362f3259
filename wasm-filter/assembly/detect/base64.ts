// Base64 decoding (RFC 4648 §4 standard and §5 URL-safe alphabets, padding optional) into a
// caller-provided buffer: used to judge Basic credentials and JWT headers by what they encode.

/** Value of each byte in either alphabet, 0xff when not a base64 character. */
const DECODE_TABLE = new StaticArray<u8>(256);
(function initTable(): void {
  for (let i = 0; i < 256; i++) DECODE_TABLE[i] = 0xff;
  for (let i = 0; i < 26; i++) {
    DECODE_TABLE[65 + i] = <u8>i;
    DECODE_TABLE[97 + i] = <u8>(26 + i);
  }
  for (let i = 0; i < 10; i++) DECODE_TABLE[48 + i] = <u8>(52 + i);
  DECODE_TABLE[43] = 62; // '+'
  DECODE_TABLE[45] = 62; // '-' (URL-safe)
  DECODE_TABLE[47] = 63; // '/'
  DECODE_TABLE[95] = 63; // '_' (URL-safe)
})();

/**
 * Decodes [ptr, ptr+len) into [out, out+cap). Trailing `=` padding is accepted and ignored.
 * Returns the decoded length, or -1 for a non-base64 byte, a dangling single character or an
 * output longer than cap.
 */
export function base64Decode(ptr: usize, len: usize, out: usize, cap: usize): i32 {
  while (len > 0 && load<u8>(ptr + len - 1) == 61) len--;
  if ((len & 3) == 1) return -1;
  if ((len * 3) >> 2 > cap) return -1;
  let acc: u32 = 0;
  let bits: u32 = 0;
  let n: usize = 0;
  for (let i: usize = 0; i < len; i++) {
    const v = <u32>unchecked(DECODE_TABLE[load<u8>(ptr + i)]); // a u8 index: < 256 entries
    if (v == 0xff) return -1;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      store<u8>(out + n++, <u8>(acc >>> bits)); // n < (len*3)/4 <= cap, checked above
    }
  }
  return <i32>n;
}
