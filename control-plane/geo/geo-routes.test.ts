// Client geography through the running control plane: per endpoint (country and city from the
// bundled GeoLite2 city database, ASN and organisation from @ip-location-db/asn; private ranges as internal), per address for the flow graph, and the unusual-geography
// risk factor once expected countries are set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlane, type TestPlane } from '../posture/testing-http.ts';

let t: TestPlane;
let id = '';

before(async () => {
  t = await startTestPlane('sqlite', { debounceMs: 20 });
  const ev = (clientIp: string) => ({ host: 'geo.example.com', method: 'GET', path: '/v1/weather', status: 200, clientIp });
  await t.report([ev('8.8.8.8'), ev('8.8.8.8'), ev('81.2.69.142'), ev('10.1.2.3')]);
  const items = (await t.call('GET', '/v1/endpoints', t.tokens.viewer)).json.items as { id: string }[];
  id = items[0]!.id;
});
after(async () => t?.close());

test('an endpoint shows where its clients call from, private ranges as internal', async () => {
  const geo = await t.call('GET', `/v1/endpoints/${id}/geo`, t.tokens.viewer);
  assert.equal(geo.status, 200, geo.text);
  assert.deepEqual(geo.json.countries, { US: 2, GB: 1, internal: 1 });
  assert.equal(geo.json.internal, 1);
  assert.equal(geo.json.external, 3);
  assert.deepEqual(geo.json.cities, { 'Bracknell, GB': 1 });
  const destination = geo.json.destination as { host: string; internal: boolean; addresses: unknown[] };
  assert.deepEqual([destination.host, destination.internal], ['geo.example.com', false]);
  assert.deepEqual(destination.addresses, [], 'these events name no upstream');
  const clients = geo.json.clients as { ip: string; requests: number; country: string }[];
  assert.deepEqual(clients[0], { ip: '8.8.8.8', requests: 2, internal: false, country: 'US', asn: 15169, org: 'Google LLC' });
  assert.deepEqual(geo.json.networks, { 'AS15169 Google LLC': 2, 'AS20712 Andrews & Arnold Ltd': 1 });
});

test('addresses of a flow are looked up in one call; a non-address is null', async () => {
  const r = await t.call('GET', '/v1/geo?ip=81.2.69.142&ip=192.168.0.9&ip=not-an-ip', t.tokens.viewer);
  const [gb, lan, none] = r.json.items as ({ country?: string; city?: string; internal: boolean; org?: string } | null)[];
  assert.equal(gb?.country, 'GB');
  assert.equal(gb?.org, 'Andrews & Arnold Ltd');
  assert.equal(gb?.city, 'Bracknell');
  assert.deepEqual(lan, { ip: '192.168.0.9', internal: true, country: 'internal' });
  assert.equal(none, null);
  assert.equal((await t.call('GET', '/v1/geo', t.tokens.viewer)).status, 400);
});

test('clients outside the expected countries raise the unusual-geography factor at once', async () => {
  const before = (await t.call('GET', `/v1/endpoints/${id}/risk`, t.tokens.viewer)).json.factors as { id: string }[];
  assert.ok(!before.some((f) => f.id === 'unusual-geography'));
  const put = await t.call('PUT', '/v1/risk/factors', t.tokens.operator, { custom: [], expectedCountries: ['US'] });
  assert.equal(put.status, 200, put.text);
  const after = (await t.call('GET', `/v1/endpoints/${id}/risk`, t.tokens.viewer)).json.factors as { id: string; evidence: string }[];
  const geo = after.find((f) => f.id === 'unusual-geography');
  assert.ok(geo, JSON.stringify(after));
  assert.match(geo.evidence, /GB/);
});
