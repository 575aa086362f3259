// Scale-out: two control-plane replicas on one PostgreSQL database, a dev gateway (real
// palisade.wasm) connected to each. Events ingested by either replica form one inventory readable
// from both; a rule published on replica A reaches the gateway connected to replica B (LISTEN/NOTIFY)
// and is enforced there; both gateways' acks are visible from either replica.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_PG_URL } from '../../control-plane/store/testing.ts';
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
import { needService } from '../lib/tools.ts';

type Cp = Awaited<ReturnType<typeof startLocalControlPlane>>;
type Gw = Awaited<ReturnType<typeof startDevGateway>>;

const pgMissing = await needService('PostgreSQL', '127.0.0.1', 5432);
const schema = `e2e_replicas_${randomBytes(4).toString('hex')}`;
let a: Cp;
let b: Cp;
let gwA: Gw;
let gwB: Gw;
let upstream: Upstream;
let adminA: string;
let adminB: string;

before(async () => {
  if (pgMissing) return;
  const postgres = { url: TEST_PG_URL, schema };
  a = await startLocalControlPlane({ postgres });
  b = await startLocalControlPlane({ postgres });
  adminA = await a.createToken('admin-a', 'admin');
  adminB = await b.createToken('admin-b', 'admin');
  upstream = await startSampleUpstream();
  // Tokens live in the shared database: one created on A authenticates on B.
  gwA = await startDevGateway({
    gatewayId: 'edge-a',
    token: await a.createToken('edge-a', 'gateway', 'edge-a'),
    grpcAddress: a.grpcAddress,
    upstreamPort: upstream.port,
    workers: 1,
  });
  gwB = await startDevGateway({
    gatewayId: 'edge-b',
    token: await a.createToken('edge-b', 'gateway', 'edge-b'),
    grpcAddress: b.grpcAddress,
    upstreamPort: upstream.port,
    workers: 1,
  });
});

after(async () => {
  await gwA?.close();
  await gwB?.close();
  await upstream?.close();
  await a?.close();
  await b?.close();
  if (pgMissing) return;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

test('events through gateways on both replicas form one inventory, readable from either', { skip: pgMissing }, async () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await send({ host: HOSTS.telco, method: 'GET', path: `/v1/subscribers/${2000100 + i}`, client: '81.2.69.142' }, gwA.port)).status,
      200,
    );
    assert.equal(
      (await send({ host: HOSTS.telco, method: 'GET', path: `/v1/subscribers/${2000200 + i}`, client: '81.2.69.142' }, gwB.port)).status,
      200,
    );
  }
  for (const [cp, token] of [
    [a, adminA],
    [b, adminB],
  ] as const) {
    await waitFor('six requests under one subscriber template', async () => {
      const { body } = await apiCall<{ items: { key: { pathTemplate: string }; requests: string }[] }>(
        cp,
        token,
        'GET',
        `/v1/endpoints?host=${HOSTS.telco}&limit=100`,
      );
      const e = body.items.find((x) => /^\/v1\/subscribers\/\{[A-Za-z]+\}$/.test(x.key.pathTemplate));
      return e && Number(e.requests) === 6 ? e : undefined;
    });
    const { body } = await apiCall<{ items: { info: { id: string }; eventsReceived: string }[] }>(cp, token, 'GET', '/v1/gateways');
    const received = Object.fromEntries(body.items.map((g) => [g.info.id, Number(g.eventsReceived)]));
    assert.deepEqual([received['edge-a'], received['edge-b']], [3, 3]);
  }
});

test('a rule published on replica A is enforced by the gateway on replica B, and both acks show on B', { skip: pgMissing }, async () => {
  const path = '/v1/internal/export';
  assert.equal((await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, gwB.port)).status, 200);
  await waitFor('both gateways to hold a WatchRules stream', async () => {
    const { body } = await apiCall<{ items: { info: { id: string }; connected: boolean }[] }>(b, adminB, 'GET', '/v1/gateways');
    return body.items.filter((g) => g.connected).length === 2;
  });
  const res = await publishBlock(a, adminA, {
    id: 'block-export',
    name: 'Block export',
    comment: 'e2e: block the export everywhere',
    match: { paths: [path] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await waitFor(
    'the gateway on replica B to block',
    async () => (await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, gwB.port)).status === 403,
    5000,
    20,
  );
  assert.equal((await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, gwA.port)).status, 403);
  await waitFor('both acks visible on replica B', async () => {
    const { body } = await apiCall<{ items: { info: { id: string }; rulesVersionAcked: string }[] }>(b, adminB, 'GET', '/v1/gateways');
    return body.items.filter((g) => g.rulesVersionAcked === res.body.version).length === 2;
  });
  const onB = await apiCall<{ items: { version: string }[] }>(b, adminB, 'GET', '/v1/rules/versions');
  assert.equal(onB.body.items[0]?.version, res.body.version, 'replica B serves the version published on A');
});
