import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { normaliseHost, OVERFLOW_HOST, PathTemplater, splitPath, templatePathOnce } from './path-templater.ts';
import { paramName, singular } from './param-name.ts';
import { luhnValid, segmentKind } from './segment-kind.ts';

describe('segmentKind', () => {
  const cases: [string, string | null][] = [
    ['8812', 'id'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'ulid'],
    ['3f2a9c1e7b4d4e2f', 'hash'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'hash'],
    ['2024-01-31', 'date'],
    ['2024-01-31T10:00:00Z', 'date'],
    ['20240131', 'date'],
    ['bob@example.com', 'email'],
    ['bob%40example.com', 'email'],
    ['+447700900123', 'msisdn'],
    ['490154203237518', 'imei'],
    ['ORD-2024-000123', 'id'],
    ['eyJhbGciOiJIUzI1NiJ9abc123def', 'token'],
    ['users', null],
    ['v1', null],
    ['me', null],
    ['order-items', null],
    ['deadbeef', null],
    ['', null],
  ];
  for (const [seg, kind] of cases) {
    it(`${JSON.stringify(seg)} is ${kind}`, () => assert.equal(segmentKind(seg), kind));
  }
  it('luhn accepts a valid IMEI and refuses a changed digit', () => {
    assert.equal(luhnValid('490154203237518'), true);
    assert.equal(luhnValid('490154203237519'), false);
  });
});

describe('paramName', () => {
  const cases: [string, string, string | null, string][] = [
    ['users', 'id', 'users', 'userId'],
    ['categories', 'id', 'categories', 'categoryId'],
    ['addresses', 'uuid', 'addresses', 'addressId'],
    ['order-items', 'id', 'order-items', 'orderItemId'],
    ['reports date', 'date', 'reports', 'reportDate'],
    ['subscribers msisdn', 'msisdn', 'subscribers', 'subscriberMsisdn'],
    ['no previous', 'id', null, 'id'],
    ['slug', 'slug', 'products', 'product'],
    ['numeric previous', 'id', '2024', 'id'],
  ];
  for (const [label, kind, prev, want] of cases) {
    it(`${label} → ${want}`, () => assert.equal(paramName(kind as 'id', prev, new Set()), want));
  }
  it('names stay unique within a template', () => assert.equal(paramName('id', 'users', new Set(['userId'])), 'userId2'));
  it('singular keeps invariant words', () => assert.equal(singular('status'), 'status'));
});

describe('PathTemplater', () => {
  const cases: [string, string][] = [
    ['/v1/users/8812/orders/3f2a9c1e7b4d4e2f9a0b1c2d3e4f5a6b', '/v1/users/{userId}/orders/{orderId}'],
    ['/v1/users/me', '/v1/users/me'],
    ['/v1/users/search', '/v1/users/search'],
    ['/v1/users/550e8400-e29b-41d4-a716-446655440000', '/v1/users/{userId}'],
    ['/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV', '/v1/orders/{orderId}'],
    ['/reports/2024-01-31/summary', '/reports/{reportDate}/summary'],
    ['/subscribers/+447700900123', '/subscribers/{subscriberMsisdn}'],
    ['/devices/490154203237518', '/devices/{deviceImei}'],
    ['/categories/7/products/9', '/categories/{categoryId}/products/{productId}'],
    ['/v1//users/12/?x=1', '/v1/users/{userId}'],
    ['/', '/'],
    // Segments a gateway masked (docs/filter-config.md "Path privacy") are values at once.
    ['/v1/imei/{imei}/status', '/v1/imei/{imeiImei}/status'],
    ['/v1/devices/{imei}', '/v1/devices/{deviceImei}'],
    ['/v1/cards/{credit_card}', '/v1/cards/{cardId}'],
    ['/v2/users/{email}/orders/42', '/v2/users/{userEmail}/orders/{orderId}'],
  ];
  for (const [path, want] of cases) {
    it(`${path} → ${want}`, () => assert.equal(new PathTemplater().template('api.example.com', path).template, want));
  }

  it('a masked segment and the raw values of the same position share one template', () => {
    const t = new PathTemplater();
    assert.equal(t.template('h', '/v1/devices/{imei}').template, '/v1/devices/{deviceImei}');
    assert.equal(t.template('h', '/v1/devices/356938035643809').template, '/v1/devices/{deviceImei}');
    for (let i = 0; i < 30; i++) t.template('h', '/v1/cards/{credit_card}');
    assert.equal(t.template('h', '/v1/cards/{credit_card}').template, '/v1/cards/{cardId}', 'never a static segment, however often');
  });

  it('static siblings of an id position keep their own template (/users/me)', () => {
    const t = new PathTemplater();
    t.template('h', '/users/1');
    assert.equal(t.template('h', '/users/me').template, '/users/me');
    assert.equal(t.template('h', '/users/2').template, '/users/{userId}');
  });

  it('a position taking many unclassified values becomes a parameter and reports the change', () => {
    const t = new PathTemplater({ maxStaticChildren: 5 });
    for (let i = 0; i < 20; i++) t.template('h', '/products/featured');
    const seen: string[] = [];
    for (const slug of ['red-shoe', 'blue-hat', 'green-sock', 'pink-tie', 'gray-belt', 'gold-ring']) {
      seen.push(t.template('h', `/products/${slug}/reviews`).template);
    }
    assert.equal(seen[0], '/products/red-shoe/reviews');
    // `gray-belt` is the 6th distinct value: it is the one that folds the position.
    assert.equal(seen[3], '/products/pink-tie/reviews');
    assert.equal(seen[4], '/products/{product}/reviews');
    assert.equal(seen[5], '/products/{product}/reviews');
    const changes = t.takeRetemplates();
    assert.deepEqual(changes.map((c) => c.from).sort(), [
      '/products/blue-hat/reviews',
      '/products/green-sock/reviews',
      '/products/pink-tie/reviews',
      '/products/red-shoe/reviews',
    ]);
    assert.ok(changes.every((c) => c.to === '/products/{product}/reviews' && c.host === 'h'));
    // The busy sibling stays static; new values go straight to the parameter.
    assert.equal(t.template('h', '/products/featured').template, '/products/featured');
    assert.equal(t.template('h', '/products/silver-cup/reviews').template, '/products/{product}/reviews');
    assert.deepEqual(t.takeRetemplates(), []);
  });

  it('a flood of random paths stays within the node budget', () => {
    const t = new PathTemplater({ maxNodesPerHost: 500 });
    const templates = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      templates.add(t.template('h', `/${(i * 7919).toString(36)}x/${(i * 104729).toString(36)}y/${i % 3}z`).template);
    }
    assert.ok(t.size().nodes <= 500, `nodes ${t.size().nodes}`);
    assert.ok(templates.size < 200, `templates ${templates.size}`);
  });

  it('the node budget turns unknown tails into {*}', () => {
    const t = new PathTemplater({ maxNodesPerHost: 4, maxStaticChildren: 1000 });
    t.template('h', '/a/b/c');
    assert.equal(t.template('h', '/x/y').template, '/{*}');
  });

  it('deep paths are cut at maxDepth', () => {
    const t = new PathTemplater({ maxDepth: 3 });
    assert.equal(t.template('h', '/a/b/c/d/e').template, '/a/b/c/{*}');
  });

  it('hosts past the budget share one overflow host', () => {
    const t = new PathTemplater({ maxHosts: 2 });
    t.template('a.com', '/');
    t.template('b.com', '/');
    assert.equal(t.template('c.com', '/').host, OVERFLOW_HOST);
    assert.equal(t.template('a.com', '/').host, 'a.com');
  });

  it('seeded templates survive a restart', () => {
    const t = new PathTemplater({ maxStaticChildren: 3 });
    t.seed('h', '/products/{product}/reviews');
    t.seed('h', '/users/{userId}');
    assert.equal(t.template('h', '/products/anything/reviews').template, '/products/{product}/reviews');
    assert.equal(t.template('h', '/users/me').template, '/users/me');
  });

  it('normalises hosts and paths', () => {
    assert.equal(normaliseHost('API.Example.com:8443'), 'api.example.com');
    assert.equal(normaliseHost('[::1]:80'), '[::1]');
    assert.equal(normaliseHost('bad host'), '(invalid)');
    assert.deepEqual(splitPath('/a//b/./c?x=/y'), ['a', 'b', 'c']);
  });

  it('templatePathOnce classifies without learning', () => {
    assert.equal(templatePathOnce('/v1/users/8812/orders/3f2a9c1e7b4d'), '/v1/users/{userId}/orders/{orderId}');
  });
});
