// SipHash-2-4 (Aumasson & Bernstein, 2012), 64-bit output: the keyed hash of a decoded value that
// Finding.value_hash carries (telemetry.proto), so the control plane can count distinct leaked
// values without ever seeing one. k0/k1 are the key's bytes 0..7 and 8..15 read little-endian.

/** SipHash-2-4 of [ptr, ptr+len) under key (k0, k1). */
export function siphash24(k0: u64, k1: u64, ptr: usize, len: usize): u64 {
  let v0: u64 = k0 ^ 0x736f6d6570736575;
  let v1: u64 = k1 ^ 0x646f72616e646f6d;
  let v2: u64 = k0 ^ 0x6c7967656e657261;
  let v3: u64 = k1 ^ 0x7465646279746573;
  // The last word: the remaining 0-7 bytes, zero-padded, with the length's low byte on top.
  const blocks = len & ~(<usize>7);
  let last: u64 = (<u64>(len & 0xff)) << 56;
  for (let i: usize = blocks; i < len; i++) last |= (<u64>load<u8>(ptr + i)) << (<u64>(i - blocks) << 3);
  // One turn per word: the input's, the last, then two zero words for the four finalization
  // rounds (v3 ^= 0 and v0 ^= 0 change nothing), v2 ^= 0xff before them. Two rounds are written
  // out per turn: neither Binaryen nor V8 unrolls a loop, and a hash per finding is short (a
  // 16-byte value is four turns), so a counter per round was a good part of it. rotl<u64> is one
  // i64.rotl.
  const words = (blocks >> 3) + 1;
  for (let k: usize = 0; k < words + 2; k++) {
    // k < words - 1: k * 8 + 8 <= blocks <= len, inside the input.
    const m: u64 = k + 1 < words ? load<u64>(ptr + (k << 3)) : k + 1 == words ? last : 0;
    if (k == words) v2 ^= 0xff;
    v3 ^= m;
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    v0 ^= m;
  }
  return v0 ^ v1 ^ v2 ^ v3;
}
