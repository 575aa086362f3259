// Enums from runtime end to end (docs/posture.md): the dev gateway running the real palisade.wasm
// with a hash_key, a real control plane on SQLite with low release thresholds, traffic from ten
// client addresses (x-forwarded-for, one trusted hop). The release list reaches the gateway (lean,
// over the built-in rules: nothing is published), values then arrive for released hashes only, and
// the endpoint's generated OpenAPI declares the enums; a many-valued field and a secret-named field
// never become one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startControlPlane, type ControlPlane } from '../../control-plane/app.ts';
import { send } from '../../scripts/demo/traffic.ts';
import { apiCall, startDevGateway, waitFor } from '../../scripts/demo/system.ts';

const HOST = 'tickets.example.com';
const CLIENTS = Array.from({ length: 10 }, (_, i) => `198.51.100.${10 + i}`);
const HASH_KEY = '5f3c9a1be27d4086a1c2e3f405162738';

let dataDir: string;
let cp: ControlPlane;
let upstream: Server;
let gateway: Awaited<ReturnType<typeof startDevGateway>>;
let admin: string;

/** GET /v1/tickets/{n}: status open|closed (an enum), ref distinct per call, pin few values but secret. */
function startUpstream(): Promise<number> {
  upstream = createServer((req, res) => {
    const n = Number(/\/v1\/tickets\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: n % 3 === 0 ? 'closed' : 'open', ref: `R-${n}`, pin: n % 2 ? 'p-one' : 'p-two' }));
  });
  return new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => resolve((upstream.address() as AddressInfo).port)));
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'palisade-enums-'));
  cp = await startControlPlane({
    dataDir,
    grpc: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    posture: { enumMinClients: 3, enumMinObservations: 10, enumRefreshMs: 200 },
  });
  admin = await cp.createToken('e2e-admin', 'admin');
  const gwToken = await cp.createToken('e2e-gateway', 'gateway', 'e2e-enums');
  const upstreamPort = await startUpstream();
  gateway = await startDevGateway({
    gatewayId: 'e2e-enums',
    token: gwToken,
    grpcAddress: cp.grpcAddress,
    upstreamPort,
    mode: 'monitor',
    xffNumTrustedHops: 1,
    hashKey: HASH_KEY,
  });
});

after(async () => {
  await gateway?.close();
  await new Promise((r) => upstream?.close(r));
  await cp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** 30 calls, three per client, `view` brief or full. */
async function traffic(round: number): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const n = 1000 + round * 100 + i;
    const r = await send(
      { host: HOST, method: 'GET', path: `/v1/tickets/${n}?view=${i % 2 ? 'full' : 'brief'}`, client: CLIENTS[i % 10]! },
      gateway.port,
    );
    assert.equal(r.status, 200, r.body);
  }
}

type Schema = { type?: string; enum?: string[] };

test('released hashes reach the gateway, values come back for them only, and the OpenAPI declares the enums', async () => {
  await traffic(0);
  // The release list: computed by the control plane from the hashes alone, then sent to the
  // gateway with the rules in force (nothing is published: the built-in version 0, lean). It is
  // refreshed every 200 ms while the events are ingested, so a first list may hold only the values
  // that had reached the thresholds by then (seen under load): wait for the four, then require
  // exactly them.
  const releases = await waitFor(
    'a release list of four hashes on the control plane',
    async () => (cp.rules.releases.json[0] && cp.rules.releases.json[0].hashes.length >= 4 ? cp.rules.releases : undefined),
    20_000,
  );
  assert.equal(releases.json.length, 1);
  assert.equal(releases.json[0]!.endpoint.hosts[0], HOST);
  assert.equal(releases.json[0]!.hashes.length, 4, 'open, closed, brief and full; no ref, no pin');
  // Values exist only where the gateway sent them, and it sends them only once it holds the list.
  const stored = await waitFor(
    'values reported by the gateway for the released hashes',
    async () => {
      await traffic(1);
      const rows = await cp.store.sql.query("SELECT name, value FROM field_values WHERE value <> '' ORDER BY name, value");
      return rows.length >= 4 ? rows.map((r) => `${String(r.name)}=${String(r.value)}`) : undefined;
    },
    30_000,
    500,
  );
  assert.deepEqual(stored, ['$.status=closed', '$.status=open', 'view=brief', 'view=full']);
  // The gateway took the release list (sent lean over its built-in rules) without refusing it.
  const { body: gateways } = await apiCall<{ items: { info: { id: string }; rulesVersionRejected: string }[] }>(
    cp,
    admin,
    'GET',
    '/v1/gateways',
  );
  assert.equal(gateways.items.find((g) => g.info.id === 'e2e-enums')?.rulesVersionRejected, '0');
  const secret = await cp.store.sql.query("SELECT value_hash, value FROM field_values WHERE name = '$.pin'");
  assert.ok(secret.length > 0, 'the secret-named field was sketched');
  assert.ok(
    secret.every((r) => r.value === ''),
    'a secret-named field never gets a value',
  );
  const refs = await cp.store.sql.query("SELECT value_hash FROM field_values WHERE name = '$.ref'");
  assert.deepEqual(
    refs.map((r) => r.value_hash),
    ['*'],
    'the many-valued field turned high-cardinality',
  );

  const endpoint = await waitFor('the ticket endpoint', async () => {
    const { body } = await apiCall<{ items: { id: string; key: { host: string; pathTemplate: string } }[] }>(
      cp,
      admin,
      'GET',
      `/v1/endpoints?host=${HOST}`,
    );
    return body.items.find((e) => e.key.pathTemplate.startsWith('/v1/tickets/{'));
  });
  const doc = await waitFor(
    'the enums in the endpoint OpenAPI',
    async () => {
      const { status, body } = await apiCall<{ paths: Record<string, { get: Record<string, unknown> }> }>(
        cp,
        admin,
        'GET',
        `/v1/endpoints/${encodeURIComponent(endpoint.id)}/openapi`,
      );
      if (status !== 200) return undefined;
      const op = Object.values(body.paths)[0]!.get;
      const props = (op.responses as Record<string, { content: Record<string, { schema: { properties: Record<string, Schema> } }> }>)[
        '200'
      ]!.content['application/json']!.schema.properties;
      const view = (op.parameters as { name: string; schema: Schema }[]).find((p) => p.name === 'view');
      return props.status?.enum && view?.schema.enum ? { props, view } : undefined;
    },
    20_000,
  );
  assert.deepEqual(doc.props.status!.enum, ['closed', 'open']);
  assert.deepEqual([...doc.view!.schema.enum!].sort(), ['brief', 'full']);
  assert.equal(doc.props.ref!.enum, undefined, 'a many-valued field is no enum');
  assert.equal(doc.props.pin!.enum, undefined, 'a secret-named field is never an enum');
});
