// POST /v1/reports (the Apigee path) feeds the same ingest as gRPC: the batch is acked once
// durable, a resend is a DUPLICATE, and the result shows in /v1/endpoints, /v1/findings and
// /v1/gateways. A gateway token cannot report for another gateway id.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';

let cp: ControlPlane;
let dir: string;
let gw: string;
let viewer: string;
let admin: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-reports-'));
  cp = await startControlPlane(
    { dataDir: dir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  gw = await cp.createToken('apigee-eu', 'gateway', 'apigee-eu');
  viewer = await cp.createToken('v', 'viewer');
  admin = await cp.createToken('a', 'admin');
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, token: string, body: unknown) {
  const res = await fetch(cp.httpUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
async function get(path: string, token: string) {
  const res = await fetch(cp.httpUrl + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const now = Date.now();
const batch = (sequence: number) => ({
  gatewayId: 'apigee-eu',
  bootId: 'boot-1',
  sequence: String(sequence),
  sentAtMs: String(now),
  counters: { requestsSeen: '3', eventsQueued: '2', eventsDropped: '1' },
  events: [
    {
      id: '1',
      timestampMs: String(now),
      host: 'shop.example.com',
      method: 'GET',
      path: '/v1/orders/1234',
      status: 200,
      latencyUs: 1200,
      clientIp: '203.0.113.9',
      auth: { scheme: 'AUTH_SCHEME_BEARER' },
      findings: [
        {
          type: 'credit_card',
          category: 'DATA_CATEGORY_PCI',
          severity: 'SEVERITY_HIGH',
          confidence: 90,
          masked: '4111********1111',
          valueHash: Buffer.from('0102030405060708', 'hex').toString('base64'),
          location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.card' },
        },
      ],
    },
    {
      id: '2',
      timestampMs: String(now),
      host: 'shop.example.com',
      method: 'GET',
      path: '/v1/orders/5678',
      status: 404,
      latencyUs: 800,
      clientIp: '203.0.113.9',
    },
  ],
});

test('a JSON batch is acked OK, its resend DUPLICATE, and it shows in endpoints, findings and gateways', async () => {
  const first = await post('/v1/reports', gw, batch(1));
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.deepEqual(first.json, { sequence: '1', status: 'ACK_STATUS_OK', message: '', accepted: 2 });
  const again = await post('/v1/reports', gw, batch(1));
  assert.equal(again.json.status, 'ACK_STATUS_DUPLICATE');

  const endpoints = await get('/v1/endpoints', viewer);
  const items = endpoints.json.items as { id: string; key: { pathTemplate: string }; requests: string }[];
  assert.equal(endpoints.json.total, '1');
  assert.equal(items.length, 1);
  assert.match(items[0]!.key.pathTemplate, /^\/v1\/orders\/\{[A-Za-z]+\}$/);
  assert.equal(items[0]!.requests, '2');

  const one = await get(`/v1/endpoints/${encodeURIComponent(items[0]!.id)}`, viewer);
  assert.equal(one.status, 200);
  assert.equal((one.json.findings as { type: string }[])[0]!.type, 'credit_card');
  const findings = await get('/v1/findings?type=credit_card', viewer);
  assert.equal((findings.json.items as { endpointId: string }[])[0]!.endpointId, items[0]!.id);

  const gateways = await get('/v1/gateways', viewer);
  const g = (gateways.json.items as { info: { id: string }; eventsReceived: string; eventsDropped: string; revoked: boolean }[])[0]!;
  assert.equal(g.info.id, 'apigee-eu');
  assert.equal(g.eventsReceived, '2');
  assert.equal(g.eventsDropped, '1');
  assert.equal(g.revoked, false);
  assert.equal((await get('/v1/endpoints/nope', viewer)).json.code, 'PAL-ENDPOINT-NOT-FOUND');
  assert.equal((await get('/v1/gateways/nope', viewer)).json.code, 'PAL-GATEWAY-NOT-FOUND');
});

test('reports are refused for another gateway id (403), from non-gateway tokens (403) and with unknown fields (400)', async () => {
  const other = await post('/v1/reports', gw, { ...batch(2), gatewayId: 'someone-else' });
  assert.equal(other.status, 403);
  assert.equal(other.json.code, 'PAL-GATEWAY-MISMATCH');
  assert.equal((await post('/v1/reports', viewer, batch(3))).json.code, 'PAL-AUTH-FORBIDDEN');
  const bad = await post('/v1/reports', gw, { ...batch(4), evnts: [] });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.errors, [{ path: '$.evnts', message: 'is not a known field' }]);
  const badEnum = await post('/v1/reports', gw, { ...batch(5), events: [{ id: '1', method: 'GET', auth: { scheme: 'PASSWORD' } }] });
  assert.equal(badEnum.json.code, 'PAL-REQUEST-INVALID');
  assert.equal((badEnum.json.errors as { path: string }[])[0]!.path, '$.events[0].auth.scheme');
});

test('revoking a gateway shows in /v1/gateways and refuses its token', async () => {
  const r = await post('/v1/gateways/apigee-eu/revoke', admin, {});
  assert.deepEqual(r.json, { tokensRevoked: 1 });
  const g = await get('/v1/gateways/apigee-eu', viewer);
  assert.equal(g.json.revoked, true);
  assert.equal((await post('/v1/reports', gw, batch(9))).status, 401);
  const audit = await get('/v1/audit?action=gateway.revoke', admin);
  assert.equal((audit.json.items as { target: string }[])[0]!.target, 'gateways/apigee-eu');
});
