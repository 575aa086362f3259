// The end-to-end slice: traffic through the dev gateway running the real palisade.wasm in our
// Proxy-Wasm host, events reaching the control plane over gRPC, a rule published through the REST
// API pushed back over WatchRules and enforced on the next request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTS } from '../../scripts/demo/sample-apis.ts';
import { send } from '../../scripts/demo/traffic.ts';
import {
  apiCall,
  publishBlock,
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

before(async () => {
  cp = await startLocalControlPlane();
  admin = await cp.createToken('e2e-admin', 'admin');
  const gwToken = await cp.createToken('e2e-gateway', 'gateway', 'e2e-gw-1');
  upstream = await startSampleUpstream();
  gateway = await startDevGateway({ gatewayId: 'e2e-gw-1', token: gwToken, grpcAddress: cp.grpcAddress, upstreamPort: upstream.port });
});

after(async () => {
  await gateway?.close();
  await upstream?.close();
  await cp?.close();
});

test('traffic through the gateway is proxied and reaches the inventory with masked findings', async () => {
  const cardNumbers: string[] = [];
  for (let i = 0; i < 5; i++) {
    const cards = await send({ host: HOSTS.pay, method: 'GET', path: `/v1/customers/${1000 + i}/cards`, client: '10.0.0.1' }, gateway.port);
    assert.equal(cards.status, 200, cards.body);
    const numbers = [...cards.body.matchAll(/"number":"(\d{16})"/g)].map((m) => m[1]!);
    assert.ok(numbers.length > 0, 'monitor-by-default: the response is passed through unchanged');
    cardNumbers.push(...numbers);
    const products = await send({ host: HOSTS.shop, method: 'GET', path: '/v1/products', client: '10.0.0.1' }, gateway.port);
    assert.equal(products.status, 200);
  }
  const cardsEndpoint = await waitFor('the card endpoint in the inventory', async () => {
    const { body } = await apiCall<{ items: EndpointJson[] }>(cp, admin, 'GET', `/v1/endpoints?host=${HOSTS.pay}&limit=100`);
    return body.items.find((e) => e.key.pathTemplate.startsWith('/v1/customers/{'));
  });
  assert.equal(cardsEndpoint.key.method, 'GET');
  assert.match(cardsEndpoint.key.pathTemplate, /^\/v1\/customers\/\{[a-zA-Z]+\}\/cards$/);
  const detail = await waitFor('a credit_card finding in the response of the card endpoint', async () => {
    const { body } = await apiCall<EndpointJson>(cp, admin, 'GET', `/v1/endpoints/${encodeURIComponent(cardsEndpoint.id)}`);
    return body.findings?.some((f) => f.type === 'credit_card' && f.direction === 'DIRECTION_RESPONSE') ? body : undefined;
  });
  const findings = await apiCall<{ items: Record<string, unknown>[] }>(
    cp,
    admin,
    'GET',
    `/v1/findings?endpointId=${encodeURIComponent(cardsEndpoint.id)}`,
  );
  assert.equal(findings.status, 200);
  const stored = JSON.stringify([detail, findings.body]);
  for (const n of cardNumbers)
    assert.ok(!stored.includes(n) && !stored.includes(n.slice(0, 12)), 'no raw card number ever reaches the control plane');
});

test("the upstream socket the gateway connected to is the endpoint's destination, loopback shown as internal", async () => {
  const products = await waitFor('the products endpoint in the inventory', async () => {
    const { body } = await apiCall<{ items: EndpointJson[] }>(cp, admin, 'GET', `/v1/endpoints?host=${HOSTS.shop}&limit=100`);
    return body.items.find((e) => e.key.method === 'GET' && e.key.pathTemplate === '/v1/products');
  });
  type Destination = { countries: Record<string, number>; addresses: { ip: string; requests: number; internal: boolean }[] };
  const destination = await waitFor('the five product calls on their destination', async () => {
    const { body } = await apiCall<{ destination: Destination }>(cp, admin, 'GET', `/v1/endpoints/${encodeURIComponent(products.id)}/geo`);
    const sum = (body.destination?.addresses ?? []).reduce((n, a) => n + a.requests, 0);
    return sum >= 5 ? body.destination : undefined;
  });
  // The sample upstream listens on 127.0.0.1: the filter read upstream.address from the host.
  assert.deepEqual(
    destination.addresses.map((a) => [a.ip, a.internal]),
    [['127.0.0.1', true]],
  );
  assert.equal(destination.addresses[0]!.requests, 5);
  assert.deepEqual(destination.countries, { internal: 5 });
  // The flow graph ends in the same destination: the products endpoint leads to the loopback network.
  const flows = await apiCall<{
    nodes: { id: string; kind: string; label: string }[];
    edges: { from: string; to: string; requests: number }[];
  }>(cp, admin, 'GET', '/v1/flows?windowMinutes=15');
  const loopback = flows.body.nodes.find((n) => n.kind === 'destination' && n.id === 'destination:127.0.0.0/24');
  assert.equal(loopback?.label, '127.0.0.0/24 · internal');
  const edge = flows.body.edges.find((e) => e.from === `endpoint:${products.id}` && e.to === loopback!.id);
  assert.equal(edge?.requests, 5);
});

test('a block rule published through the REST API blocks the next request (propagation time is measured by scripts/bench/rules)', async () => {
  const path = '/v1/debug/profile';
  const before = await send({ host: HOSTS.id, method: 'GET', path, client: '10.0.0.2' }, gateway.port);
  assert.equal(before.status, 500, 'the upstream answers (with a stack trace) before the rule');
  await waitFor('the gateway to hold a WatchRules stream', async () => {
    const { body } = await apiCall<{ items: { info: { id: string }; connected: boolean }[] }>(cp, admin, 'GET', '/v1/gateways');
    return body.items.find((g) => g.info.id === 'e2e-gw-1' && g.connected);
  });
  const res = await publishBlock(cp, admin, {
    id: 'block-debug',
    name: 'Block debug',
    comment: 'e2e: block the debug endpoint',
    match: { hosts: [HOSTS.id], methods: ['GET'], paths: [path] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const blocked = await waitFor(
    'the next request to be blocked',
    async () => {
      const r = await send({ host: HOSTS.id, method: 'GET', path, client: '10.0.0.2' }, gateway.port);
      return r.status === 403 ? r : undefined;
    },
    5_000,
    20,
  );
  assert.doesNotMatch(blocked.body, /NullPointerException/);
  const other = await send({ host: HOSTS.id, method: 'GET', path: '/v1/users/me', client: '10.0.0.2' }, gateway.port);
  assert.equal(other.status, 200, 'other endpoints still pass');
  await waitFor('the gateway to ack the new version', async () => {
    const { body } = await apiCall<{ items: { info: { id: string }; rulesVersionAcked: string }[] }>(cp, admin, 'GET', '/v1/gateways');
    return body.items.find((g) => g.info.id === 'e2e-gw-1' && Number(g.rulesVersionAcked) >= Number(res.body.version));
  });
});
