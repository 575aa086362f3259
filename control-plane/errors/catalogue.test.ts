// Every error code is documented in docs/api.md (fastify's habit: a test fails when a code is
// added without its documentation), codes are unique and well-formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ALL_ERRORS, Errors, PalisadeError, problemOf } from './catalogue.ts';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

test('every error code is documented in docs/api.md with its HTTP status', () => {
  for (const e of ALL_ERRORS) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${e.code}\` |`));
    assert.ok(row, `${e.code} is not documented in docs/api.md`);
    assert.ok(row.includes(`| ${e.http} |`), `docs/api.md gives ${e.code} another HTTP status than ${e.http}`);
  }
});

test('codes are unique and follow PAL-<AREA>-<WHAT>', () => {
  const codes = ALL_ERRORS.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^PAL-[A-Z]+(-[A-Z]+)*$/);
});

test('a problem document carries type, code, status and field errors', () => {
  const p = problemOf(new PalisadeError(Errors.RulesInvalid, '1 problem', [{ path: '$.a', message: 'bad' }]), '/v1/rules/publish');
  assert.deepEqual(p, {
    type: 'https://palisade.dev/problems/PAL-RULES-INVALID',
    title: Errors.RulesInvalid.title,
    status: 422,
    detail: '1 problem',
    instance: '/v1/rules/publish',
    code: 'PAL-RULES-INVALID',
    errors: [{ path: '$.a', message: 'bad' }],
  });
});
