import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientBit,
  clientCount,
  enumValues,
  isSensitiveFieldName,
  isTokenLike,
  OVERFLOW_HASH,
  planFieldValueWrites,
  releasedHashes,
  SKETCH_MAX_HASHES,
  fieldValueKey,
  type FieldSketch,
  type FieldValueDelta,
} from './value-sketch.ts';

const policy = { minClients: 5, minObservations: 20 };
const hex = (n: number) => n.toString(16).padStart(16, '0');
const delta = (hash: string, over: Partial<FieldValueDelta> = {}): FieldValueDelta => ({
  endpointId: 'e1',
  location: 'response',
  name: '$.status',
  hash,
  count: 1,
  clients: 1,
  value: '',
  ...over,
});
const bitsOf = (clients: number) => {
  let bits = 0;
  for (let i = 0; i < clients; i++) bits |= 1 << i;
  return bits >>> 0;
};
const sketch = (rows: FieldSketch['rows'], over: Partial<FieldSketch> = {}): FieldSketch => ({
  endpointId: 'e1',
  location: 'response',
  name: '$.status',
  rows,
  ...over,
});

test('token-like: identifier characters, 1-32 bytes', () => {
  for (const v of ['active', 'IN_PROGRESS', 'v1.2', 'a:b-c', 'x'.repeat(32)]) assert.equal(isTokenLike(v), true, v);
  for (const v of ['', 'x'.repeat(33), 'two words', 'a@b.c', 'é', 'a/b']) assert.equal(isTokenLike(v), false, v);
});

test('sensitive field names are matched by word, not by substring', () => {
  for (const n of ['$.password', '$.user.apiKey', '$.items[].pin', 'session_id', '$.card']) assert.equal(isSensitiveFieldName(n), true, n);
  for (const n of ['$.shipping_status', '$.kind', 'status', '$.keyboard_layout', '$.spinner'])
    assert.equal(isSensitiveFieldName(n), false, n);
});

test('a client bitmap never counts more clients than sent it', () => {
  let bits = 0;
  const ips = Array.from({ length: 40 }, (_, i) => `203.0.113.${i}`);
  for (let i = 0; i < ips.length; i++) {
    bits |= clientBit(ips[i]!);
    assert.ok(clientCount(bits) <= i + 1);
  }
  assert.equal(clientBit('10.0.0.1'), clientBit('10.0.0.1'));
  assert.ok(clientCount(bits) >= 16, 'forty addresses fill many of the 32 bits');
});

test('a new hash past the bound makes the field high-cardinality', () => {
  const key = fieldValueKey({ endpointId: 'e1', location: 'response', name: '$.status' });
  const full = new Set(Array.from({ length: SKETCH_MAX_HASHES }, (_, i) => hex(i)));
  const kept = planFieldValueWrites([delta(hex(3))], new Map([[key, full]]));
  assert.deepEqual(kept.overflow, []);
  assert.equal(kept.upserts.length, 1);
  const over = planFieldValueWrites([delta(hex(99))], new Map([[key, full]]));
  assert.deepEqual(over, { upserts: [], overflow: [{ endpointId: 'e1', location: 'response', name: '$.status' }] });
  const closed = planFieldValueWrites([delta(hex(1))], new Map([[key, new Set([OVERFLOW_HASH])]]));
  assert.deepEqual(closed, { upserts: [], overflow: [] });
  const many = planFieldValueWrites(
    Array.from({ length: SKETCH_MAX_HASHES + 1 }, (_, i) => delta(hex(i))),
    new Map(),
  );
  assert.equal(many.overflow.length, 1);
});

test('a hash is released only from k distinct clients in a closed, observed field', () => {
  const rows = [
    { hash: hex(1), count: 15, clients: bitsOf(5), value: '' },
    { hash: hex(2), count: 5, clients: bitsOf(4), value: '' },
  ];
  assert.deepEqual(releasedHashes(sketch(rows), policy), [hex(1)]);
  assert.deepEqual(releasedHashes(sketch(rows), { ...policy, minObservations: 21 }), []);
  assert.deepEqual(releasedHashes(sketch([...rows, { hash: OVERFLOW_HASH, count: 0, clients: 0, value: '' }]), policy), []);
  assert.deepEqual(releasedHashes(sketch(rows, { name: '$.password' }), policy), []);
  assert.deepEqual(releasedHashes(sketch(rows, { location: 'header' }), policy), []);
});

test('an enum needs every hash released and its value known', () => {
  const rows = [
    { hash: hex(1), count: 15, clients: bitsOf(5), value: 'active' },
    { hash: hex(2), count: 5, clients: bitsOf(4), value: '' },
  ];
  assert.equal(enumValues(sketch(rows), policy), undefined);
  rows[1]!.clients = bitsOf(6);
  assert.equal(enumValues(sketch(rows), policy), undefined, 'released, but its value not reported yet');
  rows[1]!.value = 'closed';
  assert.deepEqual(enumValues(sketch(rows), policy), { active: 15, closed: 5 });
});
