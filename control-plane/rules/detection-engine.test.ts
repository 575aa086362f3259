// The detection engine's output is what gateways receive: every table in the compact
// sparse_transitions form (both readers — palisade.wasm and the ES5 Apigee scanner — load it and
// find the custom detectors), and the built-in set's digests equal the rules compiler's for the
// same content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDetectionEngine } from './detection-engine.ts';
import { compileBody, compileRuleSet, ruleSetJson } from './compile-rule-set.ts';
import { buildBuiltinRuleSet } from '../detect/builtin-rule-set.ts';
import { compileDetectors } from '../detect/compile-detectors.ts';
import { encodeMessage } from './proto-json.ts';
import { WasmScanner } from '../../wasm-filter/tools/wasm-scanner.ts';
import { loadEs5Engine } from '../../test/unit/detect/lib/es5-engine.ts';
import type { DetectorSource } from '../../proto/gen/palisade/v1/DetectorSource.ts';

const CUSTOM: DetectorSource[] = [
  { id: 'employee_id', pattern: 'EMP-[0-9]{6}', category: 'DATA_CATEGORY_PII', severity: 'SEVERITY_MEDIUM', mask: 'MASK_STYLE_ALL' },
  { id: 'ticket_ref', pattern: 'tkt_[a-z0-9]{10}', flags: 'i' },
];

const engine = createDetectionEngine();

test('every table the engine compiles, built-in and custom, is in the compact form', () => {
  const compiled = engine.compile(CUSTOM, []);
  assert.ok(compiled.automata.length > 43, 'built-ins plus the custom automata');
  for (const [i, a] of compiled.automata.entries()) {
    assert.ok(a.sparseTransitions && a.sparseTransitions.length > 0, `automaton ${i} has sparse_transitions`);
    assert.equal(a.transitions?.length ?? 0, 0, `automaton ${i} has no dense entries`);
  }
  // The same custom detectors written dense are larger on the wire.
  const dense = compileDetectors(
    CUSTOM.map((d) => ({ id: d.id!, pattern: d.pattern!, flags: d.flags || undefined, boundary: 'word' as const })),
    { custom: true },
  );
  const custom = compiled.automata.slice(compiled.automata.length - dense.automata.length);
  assert.ok(
    encodeMessage('RuleSet', { automata: custom }).length < encodeMessage('RuleSet', { automata: dense.automata }).length,
    'compact custom tables are smaller than dense ones',
  );
});

test('palisade.wasm and the ES5 scanner load the compact set and find the custom detectors alike', async () => {
  const rs = compileRuleSet({ detectors: CUSTOM }, { version: 7, publishedAtMs: 1, comment: '' }, engine);
  const wasm = await WasmScanner.load();
  wasm.loadRules(rs.bytes);
  const message = {
    body: '{"employee":"EMP-123456","ref":"TKT_AB12CD34EF","card":"4111 1111 1111 1111"}',
    contentType: 'application/json',
  };
  const w = wasm.scan(message, {}).findings.map((f) => `${f.type} ${f.start}-${f.end}`);
  const es5 = Array.from(loadEs5Engine().scanMessage(ruleSetJson(rs), message, {}), (f) => `${f.type} ${f.start}-${f.end}`);
  assert.deepEqual(w, es5);
  for (const type of ['employee_id', 'ticket_ref'])
    assert.ok(
      w.some((l) => l.startsWith(`${type} `)),
      `${type} found: ${w.join(', ')}`,
    );
});

test('the built-in set (version 0) carries the digests the rules compiler gives the same content', () => {
  const builtin = buildBuiltinRuleSet(engine.compile([], []) as Parameters<typeof buildBuiltinRuleSet>[0]);
  const body = compileBody({}, engine);
  assert.equal(builtin.ruleSet.digest, body.digest);
  assert.equal(builtin.ruleSet.detectorsDigest, body.detectorsDigest);
});
