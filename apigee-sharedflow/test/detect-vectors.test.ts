// The shared detection vectors (test/vectors/detect/) through the bundled policy library: the
// same inspection path JS-InspectRequest / JS-InspectResponse take (content-type gate, inspection
// limit, the engine seam, field normalisation), in Node and in real Rhino, with the embedded
// built-in rules. Cases this policy cannot pass are listed with a reason in
// detect-vectors.skip.json.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jscDir, PATHS, realDetection, ROOT } from './lib/bundle-fixture.ts';
import { requestState, type PolicyRunner } from './lib/policy-runner.ts';
import { RUNTIMES } from './lib/runtimes.ts';

interface Finding {
  type: string;
  field: string;
  start: number;
  end: number;
  path?: string;
}
interface Vector {
  name: string;
  input: Record<string, unknown>;
  expected: (Finding & { minConfidence?: number })[];
}

const DIR = join(ROOT, 'test', 'vectors', 'detect');
const skips = JSON.parse(readFileSync(join(PATHS.flowDir, 'test', 'detect-vectors.skip.json'), 'utf8')) as Record<string, string>;
const vectors: Vector[] = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Vector)
  : [];
const MAIN = join(PATHS.flowDir, 'test', 'rhino', 'detect-vectors-main.js');
const key = (f: Finding) => `${f.type}|${f.field}|${f.start}|${f.end}|${f.path ?? ''}`;

it('the shared detection vectors and the real engine are in the bundle', () => {
  assert.ok(vectors.length > 0, `no vectors in ${DIR}`);
  assert.ok(realDetection(), 'the bundle must carry src/detect and build/builtin-rules.json (npm run build)');
  for (const name of Object.keys(skips))
    if (name !== '$comment')
      assert.ok(
        vectors.some((v) => v.name === name),
        `skip for unknown vector ${name}`,
      );
});

// `json`: the built-in RuleSet JSON, every table checked and prepared by the engine; `ready`: the
// same set in the ready form executions scan with (src/detect/ready.js). Both must find the same.
const FORMS = ['json', 'ready'] as const;

for (const [rt, form] of RUNTIMES.flatMap((r) => FORMS.map((f) => [r, f] as const))) {
  describe(`detection vectors through the bundled policy in ${rt.name}, rules as ${form}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    let results: Map<string, { findings: Finding[]; error: string | null; notInspected: string }>;
    before(async () => {
      runner = rt.create();
      const files = [join(jscDir(), 'palisade-lib.js'), join(jscDir(), 'palisade-builtin-rules.js'), MAIN];
      const r = await runner.run(files, requestState({}, { 'test.vectors': JSON.stringify(vectors), 'test.form': form }));
      assert.equal(r.error, null);
      const list = JSON.parse(String(r.state.variables['test.results'])) as {
        name: string;
        findings: Finding[];
        error: string | null;
        notInspected: string;
      }[];
      results = new Map(list.map((x) => [x.name, x]));
    });
    after(() => runner.close());
    for (const v of vectors) {
      const skip = skips[v.name];
      it(v.name, async () => {
        const got = results.get(v.name);
        assert.ok(got, 'no result');
        assert.equal(got.error, null);
        const same = JSON.stringify(got.findings.map(key).sort()) === JSON.stringify(v.expected.map(key).sort());
        if (skip) {
          // A listed case must still be a real difference; when it starts passing, drop it from the list.
          assert.equal(same, false, `${v.name} passes now: remove it from detect-vectors.skip.json`);
          return;
        }
        assert.deepEqual(
          got.findings.map(key).sort(),
          v.expected.map(key).sort(),
          got.notInspected ? `not inspected: ${got.notInspected}` : undefined,
        );
      });
    }
  });
}
