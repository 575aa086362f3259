// Sensitive values in request paths never reach the control plane: requests through the dev
// gateway (the real palisade.wasm in our Proxy-Wasm host) carry an IMEI, a card number, an SSN and
// an email address as path segments; the inventory learns templated endpoints from the masked
// paths (`/v1/imei/{…}`), holds path findings, and neither the REST API nor the SQLite files
// under the control plane's data directory contain any raw value.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTS } from '../../scripts/demo/sample-apis.ts';
import { send } from '../../scripts/demo/traffic.ts';
import {
  apiCall,
  startDevGateway,
  startSampleUpstream,
  startLocalControlPlane,
  waitFor,
  type Upstream,
} from '../../scripts/demo/system.ts';

type Cp = Awaited<ReturnType<typeof startLocalControlPlane>>;
type Gw = Awaited<ReturnType<typeof startDevGateway>>;
let cp: Cp;
let upstream: Upstream;
let gateway: Gw;
let admin: string;

interface EndpointJson {
  id: string;
  key: { host: string; method: string; pathTemplate: string };
  findings?: { type: string; direction: string }[];
}

const IMEI = '356938035643809';
const CARD = '4111111111111111';
const SSN = '536-22-5492';
const EMAIL_USER = 'ada.lovelace';
const CALLS = [
  { host: HOSTS.telco, path: `/v1/imei/${IMEI}/status`, type: 'imei', template: /^\/v1\/imei\/\{[a-zA-Z]+\}\/status$/ },
  { host: HOSTS.pay, path: `/v1/cards/${CARD}`, type: 'credit_card', template: /^\/v1\/cards\/\{[a-zA-Z]+\}$/ },
  { host: HOSTS.id, path: `/v1/ssn/${SSN}/profile`, type: 'us_ssn', template: /^\/v1\/ssn\/\{[a-zA-Z]+\}\/profile$/ },
  { host: HOSTS.id, path: `/v1/users/${EMAIL_USER}%40example.org`, type: 'email', template: /^\/v1\/users\/\{[a-zA-Z]+\}$/ },
];
const RAW = [IMEI, CARD, SSN, EMAIL_USER, CARD.slice(0, 12)];

before(async () => {
  cp = await startLocalControlPlane();
  admin = await cp.createToken('e2e-admin', 'admin');
  const gwToken = await cp.createToken('e2e-gateway', 'gateway', 'e2e-path-gw');
  upstream = await startSampleUpstream();
  gateway = await startDevGateway({ gatewayId: 'e2e-path-gw', token: gwToken, grpcAddress: cp.grpcAddress, upstreamPort: upstream.port });
});

after(async () => {
  await gateway?.close();
  await upstream?.close();
  await cp?.close();
});

/** Every byte the control plane keeps on disk (database, WAL, journal). */
function storedBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => readFileSync(join(d.parentPath, d.name))),
  );
}

test('path segments with an IMEI, a card, an SSN or an email are masked before they leave the gateway; endpoints still template', async () => {
  for (const c of CALLS) {
    const r = await send({ host: c.host, method: 'GET', path: c.path, client: '10.0.0.9' }, gateway.port);
    assert.ok(r.status > 0, 'the request is proxied (monitor mode)');
  }
  for (const c of CALLS) {
    const endpoint = await waitFor(`${c.host} ${c.path} templated in the inventory`, async () => {
      const { body } = await apiCall<{ items: EndpointJson[] }>(cp, admin, 'GET', `/v1/endpoints?host=${c.host}&limit=100`);
      return body.items.find((e) => c.template.test(e.key.pathTemplate));
    });
    const detail = await waitFor(`a ${c.type} finding on ${endpoint.key.pathTemplate}`, async () => {
      const { body } = await apiCall<EndpointJson>(cp, admin, 'GET', `/v1/endpoints/${encodeURIComponent(endpoint.id)}`);
      return body.findings?.some((f) => f.type === c.type && f.direction === 'DIRECTION_REQUEST') ? body : undefined;
    });
    const findings = await apiCall<{ items: Record<string, unknown>[] }>(
      cp,
      admin,
      'GET',
      `/v1/findings?endpointId=${encodeURIComponent(endpoint.id)}`,
    );
    assert.equal(findings.status, 200);
    const api = JSON.stringify([detail, findings.body]);
    for (const raw of RAW) assert.ok(!api.includes(raw), `${raw} is served by the API for ${endpoint.key.pathTemplate}`);
  }
  const all = await apiCall<{ items: EndpointJson[] }>(cp, admin, 'GET', '/v1/endpoints?limit=500');
  const listed = JSON.stringify(all.body);
  for (const raw of RAW) assert.ok(!listed.includes(raw), `${raw} is in the endpoint list`);
  assert.ok(cp.dataDir, 'the local control plane keeps SQLite files');
  const disk = storedBytes(cp.dataDir);
  assert.ok(disk.includes('/v1/imei/'), 'the store holds the (masked) path: the search below looks at the right bytes');
  for (const raw of RAW) assert.ok(!disk.includes(raw), `${raw} is stored by the control plane`);
});
