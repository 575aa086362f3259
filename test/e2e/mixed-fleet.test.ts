// One control plane, two kinds of gateway: the dev gateway running palisade.wasm (gRPC Report and
// WatchRules) and the Apigee shared flow running in real Rhino (GET /v1/rules, POST /v1/reports).
// Both report into the same inventory, both find the same sensitive data, and one rule published
// through the REST API is enforced by both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApigeeEnvironment, exchange } from '../../apigee-sharedflow/test/lib/flow-simulator.ts';
import { createRhinoRunner, type PolicyRunner } from '../../apigee-sharedflow/test/lib/policy-runner.ts';
import { HOSTS } from '../../scripts/demo/sample-apis.ts';
import { send } from '../../scripts/demo/traffic.ts';
import {
  apiCall,
  publishBlock,
  startDevGateway,
  startLocalControlPlane,
  startSampleUpstream,
  waitFor,
  type Upstream,
} from '../../scripts/demo/system.ts';
import { needCommand } from '../lib/tools.ts';

const rhinoMissing = needCommand('rhino');
const APIGEE_ID = 'e2e-apigee-1';
const ENVOY_ID = 'e2e-envoy-1';
const REFRESH_S = 30;

let cp: Awaited<ReturnType<typeof startLocalControlPlane>>;
let upstream: Upstream;
let gateway: Awaited<ReturnType<typeof startDevGateway>>;
let runner: PolicyRunner;
let apigee: ApigeeEnvironment;
let admin: string;

const CARD_RESPONSE = {
  status: 200,
  headers: [['Content-Type', 'application/json']] as [string, string][],
  content: JSON.stringify({ customerId: '7', cards: [{ number: '4111111111111111', expiry: '12/30' }] }),
};

before(async () => {
  if (rhinoMissing) return;
  cp = await startLocalControlPlane();
  admin = await cp.createToken('e2e-admin', 'admin');
  upstream = await startSampleUpstream();
  gateway = await startDevGateway({
    gatewayId: ENVOY_ID,
    token: await cp.createToken(ENVOY_ID, 'gateway', ENVOY_ID),
    grpcAddress: cp.grpcAddress,
    upstreamPort: upstream.port,
  });
  runner = createRhinoRunner();
  apigee = new ApigeeEnvironment(runner, { controlPlaneUrl: cp.httpUrl, gatewayId: APIGEE_ID, rulesRefreshSeconds: REFRESH_S });
  apigee.kvm.set('gateway-token', await cp.createToken(APIGEE_ID, 'gateway', APIGEE_ID));
});

after(async () => {
  await runner?.close();
  await gateway?.close();
  await upstream?.close();
  await cp?.close();
});

test('Envoy and Apigee gateways feed one inventory, with the same findings', { skip: rhinoMissing }, async () => {
  const viaEnvoy = await send({ host: HOSTS.pay, method: 'GET', path: '/v1/customers/1001/cards', client: '81.2.69.142' }, gateway.port);
  assert.equal(viaEnvoy.status, 200);
  const viaApigee = await exchange(
    apigee,
    {
      verb: 'GET',
      path: '/v1/customers/1002/cards',
      querystring: '',
      headers: [['Host', HOSTS.pay]],
      content: null,
      clientIp: '81.2.69.142',
    },
    CARD_RESPONSE,
  );
  assert.equal(viaApigee.status, 200, viaApigee.body);
  await apigee.flushReports();
  assert.equal(apigee.delivered[0]?.status, 200, apigee.delivered[0]?.body);

  const endpoint = await waitFor('one endpoint with requests from both gateways and a credit_card finding', async () => {
    const list = await apiCall<{ items: { id: string; key: { pathTemplate: string }; requests: string }[] }>(
      cp,
      admin,
      'GET',
      `/v1/endpoints?host=${HOSTS.pay}&limit=100`,
    );
    const e = list.body.items.find((x) => x.key.pathTemplate.startsWith('/v1/customers/{') && x.key.pathTemplate.endsWith('/cards'));
    if (!e || Number(e.requests) < 2) return undefined;
    const detail = await apiCall<{ findings: { type: string }[] }>(cp, admin, 'GET', `/v1/endpoints/${encodeURIComponent(e.id)}`);
    return detail.body.findings.some((f) => f.type === 'credit_card') ? e : undefined;
  });
  assert.equal(Number(endpoint.requests), 2, 'one request through each gateway, grouped under one template');

  const gateways = await apiCall<{ items: { info: { id: string; kind: string }; eventsReceived: string }[] }>(
    cp,
    admin,
    'GET',
    '/v1/gateways',
  );
  const kinds = Object.fromEntries(gateways.body.items.map((g) => [g.info.id, g.info.kind]));
  assert.equal(kinds[ENVOY_ID], 'GATEWAY_KIND_DEV');
  assert.equal(kinds[APIGEE_ID], 'GATEWAY_KIND_APIGEE');
});

test('one published block rule is enforced by both gateways', { skip: rhinoMissing }, async () => {
  const path = '/v1/internal/export';
  const res = await publishBlock(cp, admin, {
    id: 'block-export',
    name: 'Block export',
    comment: 'e2e: block the export on every gateway',
    match: { hosts: [HOSTS.telco], paths: [path] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));

  await waitFor(
    'the Envoy gateway to block',
    async () => (await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, gateway.port)).status === 403,
    5000,
    20,
  );

  // Apigee holds its cached rule set until the refresh TTL passes, then fetches the new version.
  apigee.now += (REFRESH_S + 1) * 1000;
  const blocked = await exchange(
    apigee,
    { verb: 'GET', path, querystring: '', headers: [['Host', HOSTS.telco]], content: null, clientIp: '81.2.69.142' },
    { status: 200, headers: [['Content-Type', 'application/json']], content: '{"rows":[]}' },
  );
  assert.equal(blocked.status, 403, blocked.body);
  assert.equal(blocked.request.state.variables['palisade.rules.source'], 'control-plane');
  const unrelated = await exchange(
    apigee,
    {
      verb: 'GET',
      path: '/v1/subscribers/2000001',
      querystring: '',
      headers: [['Host', HOSTS.telco]],
      content: null,
      clientIp: '81.2.69.142',
    },
    { status: 200, headers: [['Content-Type', 'application/json']], content: '{"id":"2000001"}' },
  );
  assert.equal(unrelated.status, 200);
  await apigee.flushReports();
  assert.ok(
    apigee.delivered.every((d) => d.status === 200),
    JSON.stringify(apigee.delivered.map((d) => d.status)),
  );
  const gateways = await apiCall<{ items: { info: { id: string }; rulesVersionAcked: string }[] }>(cp, admin, 'GET', '/v1/gateways');
  for (const id of [ENVOY_ID, APIGEE_ID]) {
    const g = gateways.body.items.find((x) => x.info.id === id);
    assert.equal(g?.rulesVersionAcked, res.body.version, `${id} holds the published version`);
  }
});
