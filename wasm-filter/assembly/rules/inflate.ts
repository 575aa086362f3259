// Unpacks the embedded built-in RuleSet: a little-endian u32 of the unpacked size, then the bytes
// as a raw DEFLATE stream (RFC 1951) made by scripts/build-steps/20-builtin-rules.mjs with Node's
// zlib. DEFLATE's Huffman coding packs the DFA tables about 30 % tighter than byte-aligned LZ77,
// far more than this decoder costs, and palisade.wasm's size counts (issue 7: < 256 KiB).
// Written from the RFC for a one-time unpack at VM start: codes are decoded a bit at a time
// (canonical code ranges per length, no lookup tables), and every read and copy is checked, so a
// corrupt input returns null instead of trapping or reading out of bounds.

// @ts-ignore: decorator
@inline const MAX_BITS: i32 = 15;
// @ts-ignore: decorator
@inline const LIT_CODES: i32 = 288;
// @ts-ignore: decorator
@inline const DIST_CODES: i32 = 30;

// Base and extra bits of length codes 257-285 and distance codes 0-29 (RFC 1951 §3.2.5).
const LENGTH_BASE = memory.data<u16>([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LENGTH_EXTRA = memory.data<u8>([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DIST_BASE = memory.data<u16>([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
]);
/** Order in which code length code lengths are sent (§3.2.7). */
const CLEN_ORDER = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

// Two canonical Huffman codes: per code length the number of codes (u16 × 16), and the symbols in
// code order (u16 each). The code length code reuses the literal/length tables while it is read.
const litCount: usize = memory.data((MAX_BITS + 1) << 1);
const litSymbol: usize = memory.data(LIT_CODES << 1);
const distCount: usize = memory.data((MAX_BITS + 1) << 1);
const distSymbol: usize = memory.data(DIST_CODES << 1);
/** build()'s next symbol index per code length. */
const buildOffsets: usize = memory.data((MAX_BITS + 1) << 1);
/** Code lengths of the literal/length and distance alphabets, read before the codes are built. */
const lengths: usize = memory.data(LIT_CODES + DIST_CODES);

// Input bit reader: bits are consumed low bit first; at most 7 unread bits are held.
let inPos: usize = 0;
let inEnd: usize = 0;
let bitBuf: u32 = 0;
let bitCount: u32 = 0;
let failed: bool = false;

function bits(n: u32): u32 {
  while (bitCount < n) {
    if (inPos >= inEnd) {
      failed = true;
      return 0;
    }
    bitBuf |= <u32>load<u8>(inPos++) << bitCount;
    bitCount += 8;
  }
  const v = bitBuf & ((1 << n) - 1);
  bitBuf >>>= n;
  bitCount -= n;
  return v;
}

/**
 * Builds the canonical code of `n` symbols whose lengths are at [len, len+n) into count/symbol;
 * false when the lengths over-subscribe the code space (an incomplete code is allowed: a code
 * never assigned then fails in decode()).
 */
function build(count: usize, symbol: usize, len: usize, n: i32): bool {
  memory.fill(count, 0, (MAX_BITS + 1) << 1);
  for (let s = 0; s < n; s++) {
    const at = count + (<usize>load<u8>(len + s) << 1); // lengths are < 16: checked by the readers
    store<u16>(at, load<u16>(at) + 1);
  }
  let left: i32 = 1;
  for (let l = 1; l <= MAX_BITS; l++) {
    left = (left << 1) - <i32>load<u16>(count + (<usize>l << 1));
    if (left < 0) return false;
  }
  // The first symbol index of each length, then the symbols in (length, symbol) order.
  const offset = buildOffsets;
  store<u16>(offset + 2, 0);
  for (let l = 1; l < MAX_BITS; l++) store<u16>(offset + ((<usize>l + 1) << 1), load<u16>(offset + (<usize>l << 1)) + load<u16>(count + (<usize>l << 1)));
  for (let s = 0; s < n; s++) {
    const l = <usize>load<u8>(len + s);
    if (l == 0) continue;
    const o = load<u16>(offset + (l << 1));
    store<u16>(symbol + (<usize>o << 1), <u16>s);
    store<u16>(offset + (l << 1), o + 1);
  }
  return true;
}

/** Next symbol of the code in count/symbol, or -1 (input ended, or a code not assigned). */
function decode(count: usize, symbol: usize): i32 {
  let code: i32 = 0; // the bits read so far
  let first: i32 = 0; // first code of the current length
  let index: i32 = 0; // symbol index of that first code
  for (let l = 1; l <= MAX_BITS; l++) {
    code |= <i32>bits(1);
    const n = <i32>load<u16>(count + (<usize>l << 1));
    if (code - first < n) return <i32>load<u16>(symbol + (<usize>(index + code - first) << 1));
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return -1;
}

/** Reads the dynamic block header's code lengths and builds both codes (§3.2.7). */
function dynamicCodes(): bool {
  const nlen = <i32>bits(5) + 257;
  const ndist = <i32>bits(5) + 1;
  const ncode = <i32>bits(4) + 4;
  if (failed || nlen > 286 || ndist > DIST_CODES) return false;
  memory.fill(lengths, 0, 19);
  for (let i = 0; i < ncode; i++) store<u8>(lengths + <usize>load<u8>(CLEN_ORDER + i), <u8>bits(3));
  if (!build(litCount, litSymbol, lengths, 19)) return false;
  const total = nlen + ndist;
  for (let i = 0; i < total; ) {
    const sym = decode(litCount, litSymbol);
    if (sym < 0 || failed) return false;
    if (sym < 16) {
      store<u8>(lengths + <usize>i, <u8>sym);
      i++;
      continue;
    }
    let value: u8 = 0;
    let repeat: i32;
    if (sym == 16) {
      if (i == 0) return false; // nothing to repeat
      value = load<u8>(lengths + <usize>i - 1);
      repeat = 3 + <i32>bits(2);
    } else repeat = sym == 17 ? 3 + <i32>bits(3) : 11 + <i32>bits(7);
    if (i + repeat > total) return false;
    memory.fill(lengths + <usize>i, value, <usize>repeat);
    i += repeat;
  }
  // The end-of-block code must be there: a block could not end otherwise.
  if (load<u8>(lengths + 256) == 0) return false;
  return build(litCount, litSymbol, lengths, nlen) && build(distCount, distSymbol, lengths + <usize>nlen, ndist);
}

function fixedCodes(): void {
  memory.fill(lengths, 8, 144);
  memory.fill(lengths + 144, 9, 112);
  memory.fill(lengths + 256, 7, 24);
  memory.fill(lengths + 280, 8, 8);
  build(litCount, litSymbol, lengths, LIT_CODES);
  memory.fill(lengths, 5, DIST_CODES);
  build(distCount, distSymbol, lengths, DIST_CODES);
}

/** The bytes packed in [ptr, ptr + n), or null when they are not a well-formed packing. */
export function inflate(ptr: usize, n: usize): ArrayBuffer | null {
  if (n < 4) return null;
  const size = load<u32>(ptr);
  if (size > <u32>i32.MAX_VALUE) return null;
  const out = new ArrayBuffer(<i32>size);
  const base = changetype<usize>(out);
  inPos = ptr + 4;
  inEnd = ptr + n;
  bitBuf = 0;
  bitCount = 0;
  failed = false;
  let o: u32 = 0;
  let last: u32 = 0;
  while (last == 0) {
    last = bits(1);
    const type = bits(2);
    if (type == 0) {
      // Stored: from the next byte boundary, LEN and its complement, then LEN bytes.
      bitBuf = 0;
      bitCount = 0;
      const len = bits(16);
      if (failed || bits(16) != (~len & 0xffff) || <usize>len > inEnd - inPos || len > size - o) return null;
      memory.copy(base + <usize>o, inPos, <usize>len);
      inPos += <usize>len;
      o += len;
      continue;
    }
    if (type == 1) fixedCodes();
    else if (type != 2 || !dynamicCodes()) return null;
    while (true) {
      const sym = decode(litCount, litSymbol);
      if (sym < 0 || failed) return null;
      if (sym < 256) {
        if (o >= size) return null;
        store<u8>(base + <usize>o, <u8>sym);
        o++;
        continue;
      }
      if (sym == 256) break;
      const li = sym - 257;
      if (li >= 29) return null;
      const len = <u32>load<u16>(LENGTH_BASE + (<usize>li << 1)) + bits(load<u8>(LENGTH_EXTRA + li));
      const di = decode(distCount, distSymbol);
      if (di < 0 || di >= DIST_CODES) return null;
      // Distance codes 0-3 have no extra bits, then 1, 1, 2, 2, ... 13.
      const dist = <u32>load<u16>(DIST_BASE + (<usize>di << 1)) + bits(di < 4 ? 0 : (<u32>di >> 1) - 1);
      if (failed || dist > o || len > size - o) return null;
      // Byte by byte: a match may overlap the bytes it writes (a run when dist < len).
      for (let k: u32 = 0; k < len; k++, o++) store<u8>(base + <usize>o, load<u8>(base + <usize>(o - dist)));
    }
  }
  return o == size && !failed ? out : null;
}
