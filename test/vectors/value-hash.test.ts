// The value-hash vectors (test/vectors/value-hash/) against the reference implementation
// (test/lib/value-hash.ts), itself checked against the SipHash-2-4 paper's published vectors
// (key 00..0f, messages 00..n-1), as the filter's as-pect test checks its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siphash24, valueHashHex, valueHashVectors } from '../lib/value-hash.ts';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const prefix = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

test('the reference SipHash-2-4 gives the paper vectors', () => {
  const expected = [
    0x726fdb47dd0e0e31n,
    0x74f839c593dc67fdn,
    0x0d6c8009d9a94f5an,
    0x85676696d7fb7e2dn,
    0xcf2794e0277187b7n,
    0x18765564cd99a68dn,
    0xcbc9466e58fee3cen,
    0xab0200f58b01d137n,
  ];
  expected.forEach((h, n) => assert.equal(siphash24(KEY, prefix(n)), h, `${n} bytes`));
  // The paper's worked example: 15 bytes 00..0e.
  assert.equal(siphash24(KEY, prefix(15)), 0xa129ca6149be45e5n);
});

for (const v of valueHashVectors()) {
  test(`value-hash vector ${v.name}: ${v.description}`, () => {
    const { key, location, path, value } = v.input;
    assert.equal(valueHashHex(key, location, path, value), v.expected.hash);
    assert.match(v.expected.hash, /^([0-9a-f]{16})?$/);
  });
}

test('the hash binds location, field path and key', () => {
  const byName = new Map(valueHashVectors().map((v) => [v.name, v.expected.hash]));
  const base = byName.get('response-status');
  assert.ok(base);
  for (const other of ['request-same-value', 'other-field-same-value', 'other-key']) assert.notEqual(byName.get(other), base, other);
});
