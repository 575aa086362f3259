// Rule source validation: every problem is reported, each with the JSON path of the offending value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRuleSource } from './validate-rule-source.ts';

const ctx = { builtInDetectorIds: new Set(['credit_card', 'us_ssn']) };

function errorsOf(input: unknown) {
  const r = validateRuleSource(input, ctx);
  assert.equal(r.ok, false, 'expected the source to be refused');
  return (r as { errors: { path: string; message: string }[] }).errors;
}

const paths = (input: unknown) => errorsOf(input).map((e) => e.path);

test('an empty source and a typical source are valid', () => {
  assert.equal(validateRuleSource({}, ctx).ok, true);
  const r = validateRuleSource(
    {
      detectors: [
        { id: 'employee_id', name: 'Employee id', pattern: 'EMP-[0-9]{6}', category: 'DATA_CATEGORY_PII', severity: 'SEVERITY_MEDIUM' },
      ],
      policies: [
        {
          id: 'block-cards',
          action: 'ACTION_BLOCK',
          mode: 'MODE_ENFORCE',
          match: { findingTypes: ['credit_card', 'employee_id'], paths: ['/v1/users/{id}', '/admin/**'] },
        },
        {
          id: 'rl',
          action: 'ACTION_RATE_LIMIT',
          rateLimit: { rate: 10, key: 'RATE_LIMIT_KEY_HEADER', header: 'x-api-key' },
          match: { clientCidrs: ['10.0.0.0/8', '2001:db8::/32'] },
        },
      ],
      settings: { samplePercent: 50, inspectContentTypes: ['application/json', 'text/*'] },
      disabledDetectors: ['us_ssn'],
    },
    ctx,
  );
  assert.deepEqual(r.ok ? [] : r.errors, []);
});

test('schema errors: wrong types, unknown fields and bad enum names each carry their path', () => {
  const errs = errorsOf({ policies: [{ id: 'p', action: 'BLOCK', ratelimit: {} }, { id: 7 }], settings: { samplePercent: -1 } });
  const byPath = new Map(errs.map((e) => [e.path, e.message]));
  assert.match(byPath.get('$.policies[0].action') ?? '', /must be one of ACTION_UNSPECIFIED/);
  assert.equal(byPath.get('$.policies[0].ratelimit'), 'is not a known field');
  assert.match(byPath.get('$.policies[1].id') ?? '', /string/);
  assert.ok(byPath.has('$.settings.samplePercent'));
});

test('RATE_LIMIT without rate, key or header reports each missing field', () => {
  assert.deepEqual(
    paths({
      policies: [
        { id: 'a', action: 'ACTION_RATE_LIMIT' },
        { id: 'b', action: 'ACTION_RATE_LIMIT', rateLimit: { burst: 5 } },
        { id: 'c', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: 5, key: 'RATE_LIMIT_KEY_HEADER' } },
      ],
    }),
    ['$.policies[0].rateLimit', '$.policies[1].rateLimit.rate', '$.policies[1].rateLimit.key', '$.policies[2].rateLimit.header'],
  );
});

test('duplicate ids, unknown finding types, bad CIDRs, templates and header names are all reported', () => {
  const errs = errorsOf({
    detectors: [
      { id: 'x1', name: 'X', pattern: 'a+', category: 'DATA_CATEGORY_PII', severity: 'SEVERITY_LOW' },
      { id: 'x1', name: 'X', pattern: 'b+', category: 'DATA_CATEGORY_PII', severity: 'SEVERITY_LOW' },
      { id: 'credit_card', name: 'C', pattern: 'c+', category: 'DATA_CATEGORY_PCI', severity: 'SEVERITY_LOW' },
    ],
    policies: [
      { id: 'p', action: 'ACTION_LOG', match: { findingTypes: ['nope'], clientCidrs: ['10.0.0.1/8', '300.1.1.1', '::1/129'] } },
      {
        id: 'p',
        action: 'ACTION_LOG',
        match: { paths: ['users/{id}', '/a/**/b', '/u/{id}/{id}', '/x/{bad'], headers: [{ name: 'X-Key', present: true }] },
      },
      { id: 'q', action: 'ACTION_LOG', match: { methods: ['get'], hosts: ['API.example.com'], headers: [{ name: 'a' }] } },
    ],
    disabledDetectors: ['not_builtin'],
  });
  const got = errs.map((e) => e.path);
  for (const p of [
    '$.detectors[1].id',
    '$.detectors[2].id',
    '$.policies[0].match.findingTypes[0]',
    '$.policies[0].match.clientCidrs[0]',
    '$.policies[0].match.clientCidrs[1]',
    '$.policies[0].match.clientCidrs[2]',
    '$.policies[1].id',
    '$.policies[1].match.paths[0]',
    '$.policies[1].match.paths[1]',
    '$.policies[1].match.paths[2]',
    '$.policies[1].match.paths[3]',
    '$.policies[1].match.headers[0].name',
    '$.policies[2].match.methods[0]',
    '$.policies[2].match.hosts[0]',
    '$.policies[2].match.headers[0]',
    '$.disabledDetectors[0]',
  ]) {
    assert.ok(got.includes(p), `expected an error at ${p}; got ${got.join(', ')}`);
  }
  assert.match(errs.find((e) => e.path === '$.policies[0].match.clientCidrs[0]')!.message, /host bits/);
});

test('detector patterns a DFA cannot take are refused with a reason', () => {
  const base = { name: 'n', category: 'DATA_CATEGORY_PII', severity: 'SEVERITY_LOW' };
  const errs = errorsOf({
    detectors: [
      { ...base, id: 'a', pattern: '(a)\\1' },
      { ...base, id: 'b', pattern: 'x(?=y)' },
      { ...base, id: 'c', pattern: 'a*' },
      { ...base, id: 'd', pattern: '(' },
      { ...base, id: 'e', pattern: 'a', flags: 'g' },
    ],
  });
  const msg = (p: string) => errs.find((e) => e.path === p)?.message ?? '';
  assert.match(msg('$.detectors[0].pattern'), /back-references/);
  assert.match(msg('$.detectors[1].pattern'), /look-around/);
  assert.match(msg('$.detectors[2].pattern'), /empty string/);
  assert.match(msg('$.detectors[3].pattern'), /not a valid regular expression/);
  assert.match(msg('$.detectors[4].flags'), /'i' flag/);
});

test('a finding type of a disabled built-in is refused', () => {
  const errs = errorsOf({
    disabledDetectors: ['us_ssn'],
    policies: [{ id: 'p', action: 'ACTION_LOG', match: { findingTypes: ['us_ssn'] } }],
  });
  assert.deepEqual(errs, [{ path: '$.policies[0].match.findingTypes[0]', message: "detector 'us_ssn' is disabled in this source" }]);
});

test('SQL-looking strings are data, not a problem: they fail only the syntax rules they break', () => {
  const errs = errorsOf({ policies: [{ id: "x'; DROP TABLE rule_versions; --", action: 'ACTION_LOG' }] });
  assert.deepEqual(
    errs.map((e) => e.path),
    ['$.policies[0].id'],
  );
});

test('non-object input is refused at the root', () => {
  assert.deepEqual(paths([]), ['$']);
  assert.deepEqual(paths('x'), ['$']);
});
