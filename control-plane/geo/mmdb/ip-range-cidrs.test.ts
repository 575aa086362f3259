// Ranges → CIDR blocks: every block aligned, the blocks tile the range exactly (no gap, no overlap,
// nothing outside), and there are no more of them than the greedy largest-aligned-block split needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigintOf, ip128, rangeToCidrs } from './ip-range-cidrs.ts';

const ALL = (1n << 128n) - 1n;

function cidrs(start: bigint, end: bigint): [bigint, number][] {
  const out: [bigint, number][] = [];
  rangeToCidrs(ip128(start), ip128(end), (s, len) => out.push([bigintOf(s), len]));
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Reference: repeatedly take the largest block aligned at the cursor that stays inside the range. */
function greedyCount(start: bigint, end: bigint): number {
  let n = 0;
  for (let s = start; s <= end; n++) {
    let size = 1n;
    while (s % (size * 2n) === 0n && s + size * 2n - 1n <= end && size < 1n << 128n) size *= 2n;
    s += size;
  }
  return n;
}

function assertTiles(start: bigint, end: bigint): void {
  const blocks = cidrs(start, end);
  let next = start;
  for (const [s, len] of blocks) {
    const size = 1n << BigInt(128 - len);
    assert.equal(s % size, 0n, `block ${s}/${len} is aligned`);
    assert.equal(s, next, `blocks of [${start}, ${end}] are contiguous`);
    next = s + size;
  }
  assert.equal(next - 1n, end, `blocks of [${start}, ${end}] end at the range end`);
  assert.equal(blocks.length, greedyCount(start, end), `fewest blocks for [${start}, ${end}]`);
}

test('edge ranges: one address, the whole space, one whole block, IPv4 space at ::/96', () => {
  assert.deepEqual(cidrs(5n, 5n), [[5n, 128]]);
  assert.deepEqual(cidrs(0n, ALL), [[0n, 0]]);
  assert.deepEqual(cidrs(0x01000000n, 0x010000ffn), [[0x01000000n, 120]], '1.0.0.0/24 is ::1.0.0.0/120');
  assert.deepEqual(cidrs(0n, 0xffffffffn), [[0n, 96]]);
  assert.deepEqual(cidrs(1n, 2n), [
    [1n, 128],
    [2n, 128],
  ]);
  assert.deepEqual(cidrs(ALL, ALL), [[ALL, 128]]);
  for (const [s, e] of [
    [0n, ALL - 1n],
    [1n, ALL],
    [0x01000000n, 0x01000200n],
    [0xffn, 0x100n],
    [(1n << 64n) - 1n, 1n << 64n],
    [(1n << 96n) + 3n, (3n << 96n) - 7n],
  ] as [bigint, bigint][])
    assertTiles(s, e);
});

test('random ranges of every width tile exactly with the fewest blocks', () => {
  let x = 0x9e3779b97f4a7c15n;
  const rand = (bits: number): bigint => {
    // xorshift64*, concatenated for wider values: deterministic, so a failure reproduces.
    let out = 0n;
    for (let got = 0; got < bits; got += 64) {
      x ^= x >> 12n;
      x ^= (x << 25n) & ((1n << 64n) - 1n);
      x ^= x >> 27n;
      out = (out << 64n) | ((x * 0x2545f4914f6cdd1dn) & ((1n << 64n) - 1n));
    }
    return out & ((1n << BigInt(bits)) - 1n);
  };
  for (let i = 0; i < 300; i++) {
    const width = [8, 20, 32, 48, 64, 100, 128][i % 7]!;
    const s = rand(128);
    const e = s + rand(width);
    assertTiles(s, e > ALL ? ALL : e);
  }
});
