// The default clock (wall-clock.ts) and the u64 write that hands its value to the guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wallClockNanos } from '../wall-clock.ts';
import { GuestMemory } from '../guest-memory.ts';

test('wall clock: Date.now in nanoseconds, the same BigInt while the millisecond lasts, then the next', async () => {
  const now = wallClockNanos();
  const before = BigInt(Date.now()) * 1_000_000n;
  const a = now();
  const after = BigInt(Date.now()) * 1_000_000n;
  assert.ok(a >= before && a <= after);
  assert.equal(a % 1_000_000n, 0n);
  await new Promise((resolve) => setTimeout(resolve, 3));
  assert.ok(now() > a);
});

test('writeU64: values are written modulo 2^64, little-endian', () => {
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  for (const [value, hex] of [
    [1_764_000_000_000_000_000n, '0000ca67a7fc7a18'],
    [-1n, 'ffffffffffffffff'],
    [(1n << 64n) + 5n, '0500000000000000'],
  ] as const) {
    assert.equal(mem.writeU64(8, value), true);
    assert.equal(Buffer.from(mem.read(8, 8)!).toString('hex'), hex, String(value));
  }
  assert.equal(mem.writeU64(65533, 1n), false);
});
