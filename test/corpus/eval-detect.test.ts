// The quality report (scripts/eval-detect.ts) and its corpus: the corpus covers the message shapes
// issue 6 names, the scoring counts what it should, and the wasm scanner meets the goal on it
// (micro F1 >= 0.97, no type below 0.90). The ES5 scanner reports the same findings on the
// same corpus (wasm-filter/tools/scanners-agree.test.ts), so its scores are the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, loadCorpus, SCANNERS } from '../../scripts/eval-detect.ts';

const corpus = loadCorpus();

test('the corpus covers JSON, form, XML, NDJSON, CSV, text, headers, queries, non-ASCII and clean messages', () => {
  const types = corpus.map((m) => m.input.contentType.toLowerCase());
  for (const want of ['json', 'x-www-form-urlencoded', 'xml', 'ndjson', 'csv', 'text/plain', 'text/html']) {
    assert.ok(types.some((t) => t.includes(want)), `no ${want} message`);
  }
  assert.ok(types.some((t) => t === ''), 'no untyped message');
  assert.ok(corpus.some((m) => Object.keys(m.input.headers).length > 0 && m.labels.some((l) => l.field.startsWith('header:'))), 'no header labels');
  assert.ok(corpus.some((m) => m.labels.some((l) => l.field === 'query')), 'no query labels');
  assert.ok(corpus.some((m) => /[^\x00-\x7f]/.test(m.input.body) && m.labels.length > 0), 'no labelled non-ASCII body');
  assert.ok(corpus.filter((m) => m.labels.length === 0).length >= 50, 'too few clean messages (hard negatives)');
  assert.ok(new Set(corpus.map((m) => m.template)).size >= 30, 'too few templates');
});

test('scoring: a missed label is a false negative, an extra finding a false positive', async () => {
  const one = corpus.find((m) => m.labels.length >= 2)!;
  const [first, ...rest] = one.labels;
  const errors: string[] = [];
  const scanner = () => [...rest, { ...first!, start: first!.start + 1 }];
  const { types, micro } = await evaluate(scanner, [one], errors);
  assert.equal(micro.tp, rest.length);
  assert.equal(micro.fn, 1);
  assert.equal(micro.fp, 1);
  assert.ok(types.find((t) => t.type === first!.type)!.f1 < 1);
  assert.equal(errors.length, 2);
});

test('the wasm scanner meets the quality goal on the corpus', async () => {
  const { types, micro } = await evaluate(await SCANNERS.wasm!(), corpus);
  const weak = types.filter((t) => t.f1 < 0.9).map((t) => `${t.type} ${t.f1.toFixed(3)}`);
  assert.deepEqual(weak, []);
  assert.ok(micro.f1 >= 0.97, `micro F1 ${micro.f1}`);
  assert.ok(types.length >= 25, `only ${types.length} types labelled`);
});
