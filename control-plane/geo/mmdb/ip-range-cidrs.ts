// Inclusive address ranges → the fewest CIDR blocks that cover exactly them, in the 128-bit IPv6
// space a MaxMind DB tree walks (IPv4 a.b.c.d is ::a.b.c.d there). Addresses are four 32-bit words,
// most significant first, so the per-bit work of a tree build stays in plain numbers, not BigInt.

/** A 128-bit address as four unsigned 32-bit words, most significant first. */
export type Ip128 = [number, number, number, number];

const MASK32 = 0xffffffffn;

export function ip128(n: bigint): Ip128 {
  if (n < 0n || n >> 128n !== 0n) throw new RangeError(`${n} is not a 128-bit address`);
  return [Number((n >> 96n) & MASK32), Number((n >> 64n) & MASK32), Number((n >> 32n) & MASK32), Number(n & MASK32)];
}

export function bigintOf(w: Ip128): bigint {
  return (BigInt(w[0]) << 96n) | (BigInt(w[1]) << 64n) | (BigInt(w[2]) << 32n) | BigInt(w[3]);
}

/** Bit `i` (0 = most significant) of `w`. */
export function bitAt(w: Ip128, i: number): number {
  return (w[i >>> 5]! >>> (31 - (i & 31))) & 1;
}

/** `w` with every bit from `len` on cleared: the start of the /len block holding `w`. */
function prefixOf(w: Ip128, len: number): Ip128 {
  const out: Ip128 = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const keep = Math.min(32, Math.max(0, len - 32 * k));
    out[k] = keep === 0 ? 0 : keep === 32 ? w[k]! : (w[k]! & (0xffffffff << (32 - keep))) >>> 0;
  }
  return out;
}

function withBitSet(w: Ip128, i: number): Ip128 {
  const out: Ip128 = [w[0], w[1], w[2], w[3]];
  out[i >>> 5] = (out[i >>> 5]! | (1 << (31 - (i & 31)))) >>> 0;
  return out;
}

/** Count of low-order bits equal to `b` (128 when all are). */
function trailing(w: Ip128, b: 0 | 1): number {
  for (let k = 3; k >= 0; k--) {
    const x = b ? ~w[k]! >>> 0 : w[k]!;
    if (x !== 0) return (3 - k) * 32 + (31 - Math.clz32(x & -x));
  }
  return 128;
}

function firstDifference(a: Ip128, b: Ip128): number {
  for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return 32 * k + Math.clz32((a[k]! ^ b[k]!) >>> 0);
  return 128;
}

/**
 * Calls `emit(blockStart, prefixLength)` for each CIDR block of the smallest set covering exactly
 * `[start, end]` (inclusive, start ≤ end). Below the first bit where start and end differ, the left
 * part is cut along start's path (each 0 bit leaves its whole right sibling inside the range) and
 * the right part along end's path (each 1 bit leaves its left sibling inside).
 */
export function rangeToCidrs(start: Ip128, end: Ip128, emit: (blockStart: Ip128, prefixLength: number) => void): void {
  const d = firstDifference(start, end);
  if (d === 128) return emit(start, 128);
  const zerosAfter = trailing(start, 0); // start's bits from 128 - zerosAfter on are all 0
  const onesAfter = trailing(end, 1);
  if (zerosAfter >= 128 - d && onesAfter >= 128 - d) return emit(start, d);
  for (let i = d + 1; i <= 128; i++) {
    if (zerosAfter >= 128 - i) {
      emit(start, i);
      break;
    }
    if (bitAt(start, i) === 0) emit(withBitSet(prefixOf(start, i), i), i + 1);
  }
  for (let i = d + 1; i <= 128; i++) {
    if (onesAfter >= 128 - i) {
      emit(prefixOf(end, i), i);
      break;
    }
    if (bitAt(end, i) === 1) emit(prefixOf(end, i), i + 1);
  }
}
