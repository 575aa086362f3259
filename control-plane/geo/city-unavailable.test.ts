// A city database that will not open (a broken install, a wrong posture.cityDatabase path) takes
// geography out, with one warning and a clear 503 where geography is asked for; posture evaluation,
// risk and the dashboard views keep working without it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlane, type TestPlane } from '../posture/testing-http.ts';
import { PostureService } from '../posture/posture-service.ts';
import { GeoLookup } from './geo-lookup.ts';
import { storeTargets } from '../store/testing.ts';

let t: TestPlane;

before(async () => {
  t = await startTestPlane('sqlite', { debounceMs: 20, cityDatabase: '/nonexistent/GeoLite2-City.mmdb' });
  const ev = (clientIp: string) => ({ host: 'geo.example.com', method: 'GET', path: '/v1/weather', status: 200, clientIp });
  await t.report([ev('8.8.8.8'), ev('10.1.2.3')]);
});
after(async () => t?.close());

test('geography routes answer 503 with the reason; risk and flows still answer', async () => {
  const items = (await t.call('GET', '/v1/endpoints', t.tokens.viewer)).json.items as { id: string }[];
  assert.equal(items.length, 1);
  const id = items[0]!.id;
  const geo = await t.call('GET', `/v1/endpoints/${id}/geo`, t.tokens.viewer);
  assert.equal(geo.status, 503, geo.text);
  assert.equal(geo.json.code, 'PAL-GEO-UNAVAILABLE');
  assert.match(String(geo.json.detail), /GeoLite2-City\.mmdb/);
  const lookup = await t.call('GET', '/v1/geo?ip=8.8.8.8', t.tokens.viewer);
  assert.equal(lookup.status, 503, lookup.text);
  const risk = await t.call('GET', `/v1/endpoints/${id}/risk`, t.tokens.viewer);
  assert.equal(risk.status, 200, risk.text);
  assert.equal(typeof risk.json.score, 'number');
  const flows = await t.call('GET', '/v1/flows', t.tokens.viewer);
  assert.equal(flows.status, 200, flows.text);
});

test('the failure is reported once and not retried on every evaluation', async () => {
  const target = (await storeTargets()).find((s) => s.dialect === 'sqlite')!;
  const store = await target.open();
  try {
    const warnings: string[] = [];
    let opened = 0;
    const service = await PostureService.create(store, {
      geo: () => {
        opened++;
        return new GeoLookup({ cityDbPaths: ['/nonexistent/city.mmdb'] });
      },
      onGeoUnavailable: (m) => warnings.push(m),
    });
    assert.equal(service.geo(), undefined);
    assert.equal(service.geo(), undefined);
    await service.evaluate();
    await service.evaluate();
    assert.equal(opened, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /city\.mmdb/);
    assert.match(service.geoUnavailableReason() ?? '', /city\.mmdb/);
    await service.close();
  } finally {
    await target.cleanup();
  }
});
