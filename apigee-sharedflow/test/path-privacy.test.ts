// Sensitive values in request path segments never leave the gateway, in Node and in real Rhino:
// JS-InspectRequest scans each percent-decoded segment (key: the segment before it) and reports a
// FIELD_KIND_PATH finding, and the event's path carries `{<type>}` in place of the segment —
// the same as the Envoy filter (test/filter/path-privacy.test.ts, docs/filter-config.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { policyFiles } from './lib/bundle-fixture.ts';
import { requestState, type PolicyResult, type PolicyRunner } from './lib/policy-runner.ts';
import { rulesWith, type Json } from './lib/rules.ts';
import { RUNTIMES } from './lib/runtimes.ts';
import { pathPrivacyVectors, rawValues } from '../../test/lib/path-privacy-vectors.ts';

const MAIN = 'palisade-inspect-request.js';
const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);

interface Finding {
  type: string;
  masked: string;
  location: { field: string; name?: string };
}

// One path with four sensitive segments (one run: Rhino prepares the built-in tables per run).
const SEVERAL = pathPrivacyVectors().find((v) => v.name === 'several-segments')!;
const PATH = SEVERAL.input.path;
const REPORTED = SEVERAL.expected.path;
const RAW = rawValues(SEVERAL);
const TYPES = SEVERAL.expected.findings.map((f) => f.type);

/** Every palisade.* flow variable and every report sent: what the policy itself makes of the request. */
function outbound(r: PolicyResult): string {
  const ours = Object.entries(r.state.variables).filter(([k]) => k.startsWith('palisade.'));
  return JSON.stringify(ours) + r.state.sent.map((s) => s.body ?? '').join('\n');
}

for (const rt of RUNTIMES) {
  describe(`path privacy in JS-InspectRequest (${rt.name})`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());

    it(`${PATH} → a FIELD_KIND_PATH finding per segment, event path ${REPORTED}, raw values in no variable or report`, async () => {
      // An enforced BLOCK on a path finding makes the request pass send its report now.
      const s = requestState({ path: PATH });
      s.variables['palisade.rules.json'] = rulesWith(
        [{ id: 'no-leak', action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', match: { findingTypes: ['imei'] } }],
        {},
        { detectors: true },
      );
      s.variables['private.palisade.gateway.token'] = 't';
      const r = await runner.run(policyFiles(MAIN), s);
      assert.equal(r.error, null);
      assert.equal(r.state.variables['palisade.verdict'], 'BLOCK', 'a path finding decides like any other');
      assert.equal(r.state.sent.length, 1);
      const batch = JSON.parse(r.state.sent[0]!.body ?? '') as { events: (Json & { findings: Finding[] })[] };
      const e = batch.events[0]!;
      assert.equal(e.path, REPORTED);
      for (const type of TYPES) {
        const f = e.findings.find((x) => x.type === type);
        assert.ok(f, `${type} in ${JSON.stringify(e.findings)}`);
        assert.equal(f.location.field, 'FIELD_KIND_PATH');
      }
      const text = outbound(r);
      for (const raw of RAW) assert.ok(!text.includes(raw), `${raw} left the gateway`);
    });

    // Every shared vector in Node; Rhino prepares the built-in tables on every run (seconds), so
    // there the case above, which holds four of them, stands for the set.
    const vectors = rt.name === 'rhino' ? [] : pathPrivacyVectors();
    for (const v of vectors) {
      it(`vector ${v.name}: ${v.input.path} → ${v.expected.path}`, async () => {
        const r = await runner.run(policyFiles(MAIN), requestState({ path: v.input.path }));
        assert.equal(r.error, null);
        const e = JSON.parse(String(r.state.variables['palisade.event'])) as Json & { findings: Finding[] };
        assert.equal(e.path, v.expected.path);
        const inPath = e.findings
          .filter((f) => f.location.field === 'FIELD_KIND_PATH')
          .map((f) => ({ type: f.type, name: f.location.name ?? '' }));
        assert.deepEqual(inPath.sort(byType), [...v.expected.findings].sort(byType));
        const text = outbound(r);
        for (const raw of rawValues(v)) assert.ok(!text.includes(raw), `${raw} left the gateway`);
      });
    }
  });
}
