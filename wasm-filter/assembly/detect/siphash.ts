// SipHash-2-4 (Aumasson & Bernstein, 2012), 64-bit output: the keyed hash of a decoded value that
// Finding.value_hash carries (telemetry.proto), so the control plane can count distinct leaked
// values without ever seeing one. k0/k1 are the key's bytes 0..7 and 8..15 read little-endian.

@inline function rotl(x: u64, b: u64): u64 {
  return (x << b) | (x >>> (64 - b));
}

/** SipHash-2-4 of [ptr, ptr+len) under key (k0, k1). */
export function siphash24(k0: u64, k1: u64, ptr: usize, len: usize): u64 {
  let v0: u64 = k0 ^ 0x736f6d6570736575;
  let v1: u64 = k1 ^ 0x646f72616e646f6d;
  let v2: u64 = k0 ^ 0x6c7967656e657261;
  let v3: u64 = k1 ^ 0x7465646279746573;
  const blocks = len & ~(<usize>7);
  for (let i: usize = 0; i < blocks; i += 8) {
    const m = load<u64>(ptr + i); // i + 8 <= blocks <= len: inside the input
    v3 ^= m;
    for (let r = 0; r < 2; r++) {
      v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
      v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    }
    v0 ^= m;
  }
  // Last block: the remaining 0-7 bytes, zero-padded, with the length's low byte on top.
  let b: u64 = (<u64>(len & 0xff)) << 56;
  for (let i: usize = blocks; i < len; i++) b |= (<u64>load<u8>(ptr + i)) << (<u64>(i - blocks) << 3);
  v3 ^= b;
  for (let r = 0; r < 2; r++) {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
  v0 ^= b;
  v2 ^= 0xff;
  for (let r = 0; r < 4; r++) {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
  return v0 ^ v1 ^ v2 ^ v3;
}
