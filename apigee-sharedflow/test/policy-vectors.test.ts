// The shared policy vectors (test/vectors/policy/), which the Envoy filter passes too, through the
// bundled ES5 matcher in Node and in real Rhino. Nobody edits a vector to pass; a case this
// policy cannot pass would go to a skip file with a reason (there is none).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jscDir, PATHS, ROOT } from './lib/bundle-fixture.ts';
import { requestState, type PolicyRunner } from './lib/policy-runner.ts';
import { RUNTIMES } from './lib/runtimes.ts';

const DIR = join(ROOT, 'test', 'vectors', 'policy');
const vectors = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const MAIN = join(PATHS.flowDir, 'test', 'rhino', 'policy-vector-main.js');

it('the shared policy vectors are there', () => assert.ok(vectors.length > 0, `no vectors in ${DIR}`));

for (const rt of RUNTIMES) {
  describe(`policy vectors in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());
    for (const file of vectors) {
      it(file, async () => {
        const vector = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { expected: Record<string, unknown> };
        const r = await runner.run([join(jscDir(), 'palisade-lib.js'), MAIN], requestState({}, { 'test.vector': JSON.stringify(vector) }));
        assert.equal(r.error, null);
        const got = JSON.parse(String(r.state.variables['test.result'])) as Record<string, unknown>;
        if (vector.expected.refused) {
          assert.equal(got.refused, true);
        } else {
          assert.deepEqual(got, vector.expected);
        }
      });
    }
  });
}
