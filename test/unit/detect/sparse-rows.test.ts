// The compact transition-table form (rules.proto Automaton.sparse_transitions): the encoder and
// the reference decoder round-trip real compiled tables, the built-in set uses it and is smaller
// than the dense form, and malformed streams are refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDetectors } from '../../../control-plane/detect/compile-detectors.ts';
import { decodeSparseRows, encodeSparseRows } from '../../../control-plane/detect/sparse-rows.ts';
import { BUILTIN_DETECTORS } from '../../../control-plane/detect/builtin-detectors.ts';

const sources = BUILTIN_DETECTORS.slice(0, 6);
const dense = compileDetectors(sources);
const sparse = compileDetectors(sources, { sparseTables: true });

test('sparse tables expand to exactly the dense tables, and are smaller', () => {
  assert.equal(sparse.automata.length, dense.automata.length);
  let denseBytes = 0;
  let sparseBytes = 0;
  dense.automata.forEach((d, i) => {
    const s = sparse.automata[i]!;
    assert.equal(s.transitions.length, 0);
    assert.equal(s.entryBytes, 0);
    const { transitions: _st, entryBytes: _se, sparseTransitions, ...sameS } = s;
    const { transitions: _dt, entryBytes: _de, ...sameD } = d;
    assert.deepEqual(sameS, sameD, 'everything but the table encoding is identical');
    const expanded = decodeSparseRows(sparseTransitions!, s.stateCount, s.classCount);
    const want = Array.from({ length: d.stateCount * d.classCount }, (_, e) => d.transitions.readUInt16LE(e * 2));
    assert.deepEqual(Array.from(expanded), want, `automaton ${i}`);
    denseBytes += d.transitions.length;
    sparseBytes += sparseTransitions!.length;
  });
  assert.ok(sparseBytes * 2 < denseBytes, `sparse ${sparseBytes} bytes vs dense ${denseBytes}`);
});

test('round trip with large ids (multi-byte varints) and rows far apart', () => {
  const states = 700;
  const classes = 5;
  const next = Array.from({ length: states * classes }, (_, e) => (e % 3 === 0 ? (e * 7919) % states : 1));
  const bytes = encodeSparseRows(next, states, classes);
  assert.deepEqual(Array.from(decodeSparseRows(bytes, states, classes)), next);
});

test('malformed streams are refused with a reason', () => {
  const next = [0, 0, 1, 2, 1, 1, 2, 2, 1];
  const good = encodeSparseRows(next, 3, 3);
  assert.throws(() => decodeSparseRows(good.subarray(0, good.length - 1), 3, 3), /truncated/);
  assert.throws(() => decodeSparseRows(Buffer.concat([good, Buffer.from([0])]), 3, 3), /trailing/);
  assert.throws(() => decodeSparseRows(Buffer.from([1, 0]), 1, 3), /refers 1 states back/);
  // state 1 based on state 0, two changed classes given out of order
  assert.throws(() => decodeSparseRows(Buffer.from([0, 0, 0, 0, 1, 2, 2, 1, 1, 1]), 2, 3), /out of order/);
  assert.throws(() => decodeSparseRows(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 1, 1), /too long/);
});
