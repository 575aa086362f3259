// The ES5 detection engine (the Apigee policy's scanner) in Node's V8 over every shared detection
// vector in test/vectors/detect/: same findings, byte offsets and paths as the vectors say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRuleSetJson, loadEs5Engine } from './lib/es5-engine.ts';
import { compare, loadVectors, messageOf } from './lib/vectors.ts';

const vectors = loadVectors();
const engine = loadEs5Engine();

test('the vector folder holds hundreds of cases, hard negatives included', () => {
  assert.ok(vectors.length >= 250, `only ${vectors.length} vectors`);
  assert.ok(vectors.filter((v) => v.expected.length === 0).length >= 80, 'too few hard negatives');
});

for (const v of vectors) {
  test(`es5/node vector ${v.name}`, async () => {
    const findings = engine.scanMessage(await builtinRuleSetJson(), messageOf(v), {});
    assert.deepEqual(compare(v, findings), [], v.description);
  });
}
