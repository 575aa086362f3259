// Golden codec vectors (test/vectors/codec/): the bytes the filter's hand-written protobuf codec
// produces and accepts, pinned against protobufjs reading the proto files (STYLE.md §6, §9).
// 1. Every vector's wire bytes are regenerated from its JSON with protobufjs: the protos and the
//    vectors cannot drift apart silently.
// 2. The filter's encoders (ApiEvent, ReportBatch, WatchRulesRequest), compiled from the same
//    AssemblyScript as palisade.wasm, produce exactly those bytes.
// 3. RuleSet bytes load as a WatchRules push would: unknown fields skipped, truncated or malformed
//    input refused with a reason, never a trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { HARNESS, loadHarness } from './lib/harness.ts';
import { readCodecVectors, wireOf } from './lib/codec-vectors.ts';

const vectors = readCodecVectors();
const ENCODERS = { ApiEvent: 1, ReportBatch: 2, WatchRulesRequest: 3 } as const;

test('codec vectors cover every message the filter encodes or decodes, and malformed input', () => {
  const kinds = new Set(vectors.map(([, v]) => v.message));
  for (const m of ['ApiEvent', 'ReportBatch', 'WatchRulesRequest', 'RuleSet']) assert.ok(kinds.has(m as never), `no vector for ${m}`);
  assert.ok(vectors.filter(([, v]) => v.expected?.error).length >= 3, 'malformed RuleSet cases');
});

test('every vector regenerates from its JSON with protobufjs (no drift from the protos)', async (t) => {
  for (const [name, v] of vectors) {
    await t.test(name, () =>
      assert.equal(wireOf(v).toString('hex'), v.wire, 'run: node --import tsx test/filter/lib/codec-vectors.ts --write'),
    );
  }
});

test("the filter's codec matches the golden bytes", async (t) => {
  assert.ok(existsSync(HARNESS), `${HARNESS} missing: run node scripts/build.mjs filter-harness`);
  const harness = await loadHarness();
  for (const [name, v] of vectors) {
    await t.test(name, () => {
      if (v.message === 'RuleSet') {
        assert.deepEqual(harness.loadRuleSet(Buffer.from(v.wire, 'hex')), v.expected);
        return;
      }
      const got = Buffer.from(harness.encode(ENCODERS[v.message], JSON.stringify(v.json))).toString('hex');
      assert.equal(got, v.wire);
    });
  }
});
