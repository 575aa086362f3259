// The demo estate behaves like real services: routed by host, leaky where intended, 404 elsewhere,
// and the uploaded specs leave out exactly the undocumented routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTS, ROUTES, routeRequest, sampleSpecs } from './sample-apis.ts';
import { startSampleUpstream } from './sample-upstream.ts';
import { nextCall, send, ABUSER } from './traffic.ts';
import { prng, withLuhn } from './fake-data.ts';

const req = (method: string, path: string, body = '') => ({
  method,
  path,
  query: new URLSearchParams(path.split('?')[1] ?? ''),
  headers: {},
  body,
});

test('the card endpoint leaks a Luhn-valid card number', () => {
  const res = routeRequest(HOSTS.pay, req('GET', '/v1/customers/1001/cards'), 7);
  const number = (res.body as { cards: { number: string }[] }).cards[0]!.number;
  assert.equal(res.status, 200);
  assert.equal(withLuhn(number.slice(0, -1)), number);
});

test('unknown paths and wrong hosts are 404', () => {
  assert.equal(routeRequest(HOSTS.pay, req('GET', '/v1/nothing'), 1).status, 404);
  assert.equal(routeRequest('evil.example', req('GET', '/v1/products'), 1).status, 404);
});

test('specs document GET /v1/products but not POST /v1/products nor the shadow routes', () => {
  const shop = sampleSpecs().find((s) => s.host === HOSTS.shop)!.document as { paths: Record<string, Record<string, unknown>> };
  assert.ok(shop.paths['/v1/products']!.get);
  assert.equal(shop.paths['/v1/products']!.post, undefined);
  const telco = sampleSpecs().find((s) => s.host === HOSTS.telco)!.document as { paths: Record<string, unknown> };
  assert.equal(telco.paths['/v1/internal/export'], undefined);
  assert.ok(ROUTES.some((r) => !r.documented));
});

test('the traffic mix includes the abuser and is reproducible from its seed', () => {
  const a = Array.from({ length: 50 }, (_, i) => nextCall(prng(3), i));
  const rng1 = prng(3);
  const rng2 = prng(3);
  const s1 = Array.from({ length: 30 }, (_, i) => nextCall(rng1, i));
  const s2 = Array.from({ length: 30 }, (_, i) => nextCall(rng2, i));
  assert.deepEqual(s1, s2);
  assert.ok(a.some((c) => c.client === ABUSER));
});

test('the first thirty calls already cover the rare ones: stack trace, internal export, POST on a GET-only path', () => {
  const rng = prng(42);
  const calls = Array.from({ length: 30 }, (_, i) => nextCall(rng, i));
  const seen = (host: string, method: string, path: string) => calls.some((c) => c.host === host && c.method === method && c.path === path);
  assert.ok(seen(HOSTS.id, 'GET', '/v1/debug/profile'));
  assert.ok(seen(HOSTS.telco, 'GET', '/v1/internal/export'));
  assert.ok(seen(HOSTS.shop, 'POST', '/v1/products'));
  assert.equal(new Set(calls.map((c) => c.host)).size, 4);
});

test('the upstream answers over HTTP by Host header', async () => {
  const up = await startSampleUpstream(0);
  try {
    const res = await send({ host: HOSTS.id, method: 'GET', path: '/v1/debug/profile', client: '10.0.0.1' }, up.port);
    assert.equal(res.status, 500);
    assert.match(res.body, /NullPointerException[\s\S]*at com\.acme/);
    const ok = await send(
      { host: HOSTS.shop, method: 'POST', path: '/v1/carts/abc/items', body: { sku: 'x' }, client: '10.0.0.1' },
      up.port,
    );
    assert.equal(ok.status, 201);
    assert.equal(up.requests(), 2);
  } finally {
    await up.close();
  }
});
