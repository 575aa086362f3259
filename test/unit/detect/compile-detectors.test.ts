// The detector compiler: what it refuses (with a JSON path and a reason), the table invariants
// scanners rely on (docs/detectors.md §1), determinism, UTF-8 lowering, and that a compiled custom
// detector is found by the ES5 scanner with exact byte offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDetectors, validateDetectorSource, DetectorSourceError } from '../../../control-plane/detect/index.ts';
import type { DetectorSourceInput } from '../../../control-plane/detect/index.ts';
import type { AutomatonTable } from '../../../control-plane/detect/dense-dfa.ts';
import { buildBuiltinRuleSet } from '../../../control-plane/detect/builtin-rule-set.ts';
import { loadEs5Engine } from './lib/es5-engine.ts';

const custom = (over: Partial<DetectorSourceInput> = {}): DetectorSourceInput => ({
  id: 'employee_id',
  pattern: 'EMP-[0-9]{6}',
  category: 'DATA_CATEGORY_PII',
  severity: 'SEVERITY_MEDIUM',
  mask: 'MASK_STYLE_KEEP_LAST4',
  baseConfidence: 80,
  ...over,
});

const refusals: Array<[string, Partial<DetectorSourceInput>, string, RegExp]> = [
  ['back-reference (a)\\1', { pattern: '(a)\\1' }, '$.pattern', /back-reference/],
  ['look-ahead a(?=b)', { pattern: 'a(?=b)' }, '$.pattern', /look-around/],
  ['look-behind (?<=a)b', { pattern: '(?<=a)b' }, '$.pattern', /look-around/],
  ['anchor ^abc', { pattern: '^abc' }, '$.pattern', /anchor/],
  ['anchor abc$', { pattern: 'abc$' }, '$.pattern', /anchor/],
  ['inner word boundary a\\bb', { pattern: 'a\\bb' }, '$.pattern', /only supported at the very start or end/],
  ['empty match a*', { pattern: 'a*' }, '$.pattern', /empty string/],
  ['nested quantifier (a+)+', { pattern: '(a+)+b' }, '$.pattern', /catastrophic/],
  ['nested quantifier (?:x|y*)*', { pattern: '(?:x|y*)*z' }, '$.pattern', /catastrophic/],
  ['syntax error (abc', { pattern: '(abc' }, '$.pattern', /syntax error/],
  ['flags g', { flags: 'g' }, '$.pattern', /unsupported flags/],
  ['state explosion .*a.{14}', { pattern: '[ab]*a[ab]{14}x' }, '$.pattern', /state explosion/],
  ['bad id', { id: 'Bad Id' }, '$.id', /\[a-z\]/],
  ['bad severity', { severity: 'SEVERITY_SEVERE' as never }, '$.severity', /unknown value/],
  ['bad confidence', { baseConfidence: 140 }, '$.baseConfidence', /0 to 100/],
  ['bad keyword', { context: { keys: [''] } }, '$.context.keys[0]', /printable ASCII/],
  ['bad boundary', { boundary: 'space' as never }, '$.boundary', /one of/],
];

for (const [name, over, path, reason] of refusals) {
  test(`validateDetectorSource refuses ${name} at ${path}`, () => {
    const errors = validateDetectorSource(custom(over), { stateBudget: 4096, detectorStateLimit: 5000 });
    assert.ok(
      errors.some((e) => e.path === path && reason.test(e.reason)),
      JSON.stringify(errors),
    );
  });
}

test('validateDetectorSource accepts a plain custom detector', () => {
  assert.deepEqual(validateDetectorSource(custom()), []);
});

test('compileDetectors throws DetectorSourceError naming the refused source', () => {
  assert.throws(
    () => compileDetectors([custom(), custom({ id: 'other', pattern: '(x)\\1' })]),
    (err: unknown) => err instanceof DetectorSourceError && err.index === 1 && /detectors\[1\]\.pattern: back-reference/.test(err.message),
  );
});

function checkInvariants(a: AutomatonTable, detectorCount: number): void {
  assert.equal(a.byteClasses.length, 256);
  assert.ok(Math.max(...a.byteClasses) < a.classCount);
  assert.equal(a.transitions.length, a.stateCount * a.classCount * a.entryBytes);
  assert.equal(a.acceptOffsets.length, a.stateCount + 1);
  assert.equal(a.acceptOffsets[a.stateCount], a.acceptDetectors.length);
  const at = (s: number, c: number) => a.transitions.readUInt16LE((s * a.classCount + c) * 2);
  for (let c = 0; c < a.classCount; c++) assert.equal(at(0, c), 0, 'state 0 is the dead state');
  assert.equal(a.acceptOffsets[1], 0, 'the dead state accepts nothing');
  for (let s = 0; s < a.stateCount; s++) for (let c = 0; c < a.classCount; c++) assert.ok(at(s, c) < a.stateCount);
  for (const d of a.acceptDetectors) assert.ok(d < detectorCount);
}

test('compiled tables keep the invariants scanners check', () => {
  const out = compileDetectors([custom(), custom({ id: 'ticket', pattern: 'TCK[0-9]{4}' })]);
  assert.equal(out.detectors.length, 2);
  for (const a of out.automata) checkInvariants(a, 2);
  const search = out.automata.filter((a) => a.kind === 'AUTOMATON_KIND_SEARCH');
  assert.equal(search.length, 1, 'two small detectors share one SEARCH automaton');
  assert.equal(out.detectors[0]!.maxLength, 10, 'max length of a finite pattern is its longest word');
});

test('compilation is deterministic', () => {
  const a = compileDetectors([custom(), custom({ id: 'x2', pattern: '[a-f0-9]{8}-[a-f0-9]{4}' })]);
  const b = compileDetectors([custom(), custom({ id: 'x2', pattern: '[a-f0-9]{8}-[a-f0-9]{4}' })]);
  assert.deepEqual(a, b);
});

test('a leading \\b sets a word boundary; custom detectors default to word boundaries', () => {
  const out = compileDetectors([custom({ pattern: '\\bEMP-[0-9]{6}\\b' })], { custom: true });
  const boundary = out.detectors[0]!.boundary as Buffer;
  assert.equal(boundary.length, 32);
  assert.ok(boundary['A'.charCodeAt(0) >> 3]! & (1 << ('A'.charCodeAt(0) & 7)));
  assert.equal(out.detectors[0]!.custom, true);
});

test('custom detector: found by the ES5 scanner at UTF-8 byte offsets, non-ASCII pattern included', () => {
  const compiled = compileDetectors(
    [custom(), custom({ id: 'greeting', pattern: 'grüß(e|t)', boundary: 'none', mask: 'MASK_STYLE_ALL' })],
    { custom: true },
  );
  const rs = buildBuiltinRuleSet(compiled).json;
  const findings = loadEs5Engine().scanMessage(rs, { body: 'Café: EMP-123456 grüße', contentType: 'text/plain' });
  assert.deepEqual(JSON.parse(JSON.stringify(findings.map((f) => [f.type, f.start, f.end, f.masked]))), [
    ['employee_id', 7, 17, '******3456'],
    ['greeting', 18, 25, '********'],
  ]);
});

test('the built-in catalogue compiles within the table budget and names every issue type', () => {
  const { ruleSet, bytes } = buildBuiltinRuleSet();
  const ids = new Set((ruleSet.detectors as Array<{ id: string }>).map((d) => d.id));
  for (const id of [
    'credit_card',
    'us_ssn',
    'email',
    'phone_number',
    'iban',
    'ipv4',
    'imei',
    'imsi',
    'iccid',
    'jwt',
    'aws_access_key_id',
    'aws_secret_access_key',
    'github_token',
    'slack_token',
    'slack_webhook',
    'stripe_key',
    'google_api_key',
    'pem_private_key',
    'generic_api_key',
    'bearer_token',
    'password',
    'http_basic_auth',
    'url_password',
    'stack_trace',
    'date_of_birth',
    'us_passport',
    'us_drivers_license',
  ]) {
    assert.ok(ids.has(id), `missing built-in ${id}`);
  }
  assert.ok(bytes.length < 512 * 1024, `built-in RuleSet is ${bytes.length} bytes`);
});
