import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIdentifierSegment, PathTemplater } from './path-templater-fallback.ts';

for (const [seg, id] of [
  ['12345', true],
  ['3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70', true],
  ['5f1d7a9e3c2b4a6d8e0f1a2b', true],
  ['2024-05-01', true],
  ['ana.kim@example.org', true],
  ['ORD-123456', true],
  ['tr_8f3a2b91c0de', true],
  ['v1', false],
  ['v2.1', false],
  ['users', false],
  ['me', false],
  ['oauth2', false],
  ['golden-maple', false],
] as const) {
  test(`segment ${seg} is ${id ? 'an identifier' : 'a route word'}`, () => assert.equal(isIdentifierSegment(seg), id));
}

test('identifiers become parameters named after the collection; literal routes beside them stay', () => {
  const t = new PathTemplater();
  for (let i = 0; i < 50; i++) t.observe(`/v1/users/${1000 + i}/orders/ORD-${100000 + i}`);
  t.observe('/v1/users/me');
  t.build();
  assert.deepEqual(t.match('/v1/users/1007/orders/ORD-100007'), {
    template: '/v1/users/{userId}/orders/{orderId}',
    params: [
      ['userId', '1007'],
      ['orderId', 'ORD-100007'],
    ],
  });
  assert.equal(t.match('/v1/users/me').template, '/v1/users/me');
});

test('many rarely-used word values at one position (usernames, slugs) become a parameter', () => {
  const t = new PathTemplater();
  const names = ['ana', 'ben', 'chloe', 'dev', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kai', 'lena', 'marco', 'nia', 'omar'];
  for (const n of names)
    for (const r of ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi'])
      t.observe(`/repos/${n}/${r}/issues`);
  for (let i = 0; i < 100; i++) t.observe('/repos/search');
  assert.equal(t.match('/repos/kai/theta/issues').template, '/repos/{repoId}/{id}/issues');
  assert.equal(t.match('/repos/search').template, '/repos/search', 'a frequent literal keeps its own route');
});

test('a handful of distinct words is a set of fixed routes, not a parameter', () => {
  const t = new PathTemplater();
  for (const w of ['orders', 'users', 'products', 'health']) for (let i = 0; i < 5; i++) t.observe(`/api/${w}`);
  assert.equal(t.match('/api/health').template, '/api/health');
});
