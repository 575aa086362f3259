// The shared policy vectors (test/vectors/policy/, format in test/vectors/README.md "policy") run
// on the filter's own AssemblyScript policy core, compiled as wasm-filter/build/policy-harness.wasm
// by scripts/build-steps/45-filter-harness.mjs. The Apigee policy iterates the same folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARNESS, loadHarness } from './lib/harness.ts';
import { encodeMessage } from './lib/proto.ts';

const VECTORS = 'test/vectors/policy';
const files = existsSync(VECTORS)
  ? readdirSync(VECTORS)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

test('policy vectors exist', () => {
  assert.ok(files.length >= 20, `expected the shared policy vectors in ${VECTORS}`);
});

test('every policy vector gives the expected verdict in the filter policy core', async (t) => {
  assert.ok(existsSync(HARNESS), `${HARNESS} missing: run npm run build`);
  const harness = await loadHarness();
  for (const file of files) {
    await t.test(file.replace(/\.json$/, ''), () => {
      const vector = JSON.parse(readFileSync(join(VECTORS, file), 'utf8'));
      const { policies, settings, ...rest } = vector.input;
      const rules = encodeMessage('RuleSet', { version: 1, policies, settings });
      const got = harness.evaluate(rules, JSON.stringify(rest));
      if (vector.expected.refused) {
        assert.equal(typeof got.error, 'string', `rule set should be refused, got ${JSON.stringify(got)}`);
        return;
      }
      assert.equal(got.error, undefined, String(got.error));
      const { authScheme: _ignored, ...verdict } = got;
      assert.deepEqual(verdict, vector.expected);
    });
  }
});
