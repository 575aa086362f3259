// Destination geography through the running control plane on both stores: the upstream IP each
// gateway reports (ApiEvent.upstream_ip, here in the JSON form Apigee posts) is stored per event and
// geolocated per endpoint like client addresses — country, city, ASN/organisation, private ranges
// as internal; events that reached no upstream add nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlane, type Dialect, type TestPlane } from '../posture/testing-http.ts';

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`destination geography (${dialect})`, () => {
    let t: TestPlane;
    let id = '';

    before(async () => {
      t = await startTestPlane(dialect, { debounceMs: 20 });
      const ev = (upstreamIp?: string) => ({
        host: 'dest.example.com',
        method: 'GET',
        path: '/v1/quotes',
        status: 200,
        ...(upstreamIp !== undefined ? { upstreamIp } : {}),
      });
      await t.report([ev('8.8.8.8'), ev('8.8.8.8'), ev('81.2.69.142'), ev('10.0.0.5'), ev(), ev('not-an-ip')]);
      const items = (await t.call('GET', '/v1/endpoints', t.tokens.viewer)).json.items as { id: string }[];
      id = items[0]!.id;
    });
    after(async () => t?.close());

    test('an endpoint lists the upstream addresses it was sent to, with country, city and organisation', async () => {
      const r = await t.call('GET', `/v1/endpoints/${id}/geo`, t.tokens.viewer);
      assert.equal(r.status, 200, r.text);
      const d = r.json.destination as Record<string, unknown>;
      assert.equal(d.host, 'dest.example.com');
      assert.deepEqual(d.countries, { US: 2, GB: 1, internal: 1 });
      assert.deepEqual(d.cities, { 'Bracknell, GB': 1 });
      assert.deepEqual(d.networks, { 'AS15169 Google LLC': 2, 'AS20712 Andrews & Arnold Ltd': 1 });
      assert.equal(d.internalRequests, 1, 'a private upstream is internal, not looked up');
      assert.equal(d.externalRequests, 3);
      const addresses = d.addresses as Record<string, unknown>[];
      assert.deepEqual(addresses[0], { ip: '8.8.8.8', requests: 2, internal: false, country: 'US', asn: 15169, org: 'Google LLC' });
      assert.deepEqual(
        addresses.find((a) => a.ip === '10.0.0.5'),
        { ip: '10.0.0.5', requests: 1, internal: true, country: 'internal' },
      );
      assert.deepEqual(
        addresses.find((a) => a.ip === 'not-an-ip'),
        { ip: 'not-an-ip', requests: 1 },
        'a malformed address is listed as reported, without geography',
      );
      assert.equal(addresses.length, 4, 'the event without an upstream is not a destination');
    });
  });
}
