// WatchRules over real gRPC: a gateway gets the current RuleSet at once when it holds an older
// version, then every publish; its acks land in the gateways registry. With two replicas on one
// PostgreSQL, a publish on replica A reaches a watcher connected to replica B (LISTEN/NOTIFY).
import { buildReleaseSet, hashToFixed64 } from './value-releases.ts';
import { DEFAULT_RELEASE_POLICY } from '../inventory/value-sketch.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { loadPalisadeGrpc } from '../../proto/load.ts';
import type { RuleSet__Output } from '../../proto/gen/palisade/v1/RuleSet.ts';
import type { WatchRulesRequest } from '../../proto/gen/palisade/v1/WatchRulesRequest.ts';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { compiledFromBytes, EMPTY_DETECTION_ENGINE } from './compile-rule-set.ts';
import { createDetectionEngine } from './detection-engine.ts';
import { SYSTEM_ACTOR } from '../audit/audit-log.ts';
import { TEST_PG_URL } from '../store/testing.ts';
import { needService } from '../../test/lib/tools.ts';

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const silent = { log: { level: 'silent' }, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 } };

async function sqlitePlane(): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-watch-'));
  const cp = await startControlPlane({ ...silent, dataDir: dir }, { detectionEngine: EMPTY_DETECTION_ENGINE });
  cleanups.push(async () => {
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return cp;
}

interface Watch {
  next(): Promise<RuleSet__Output>;
  send(req: WatchRulesRequest): void;
  status: Promise<grpc.StatusObject | grpc.ServiceError>;
  close(): void;
}

function watch(address: string, token: string, hello: WatchRulesRequest): Watch {
  const Service = loadPalisadeGrpc().palisade.v1.GatewayService;
  const client = new Service(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const call = client.WatchRules(md);
  const queue: RuleSet__Output[] = [];
  const waiters: ((r: RuleSet__Output) => void)[] = [];
  call.on('data', (r: RuleSet__Output) => {
    const w = waiters.shift();
    if (w) w(r);
    else queue.push(r);
  });
  const status = new Promise<grpc.StatusObject | grpc.ServiceError>((resolve) => {
    call.on('status', resolve);
    call.on('error', resolve);
  });
  call.write(hello);
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))),
    send: (req) => call.write(req),
    status,
    close: () => {
      call.cancel();
      client.close();
    },
  };
}

const source = (rate: number) => ({
  policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate, key: 'RATE_LIMIT_KEY_GLOBAL' } }],
});

async function until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a watcher gets the current version at once, then each publish; acks are recorded', async () => {
  const cp = await sqlitePlane();
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(5) });
  const token = await cp.createToken('edge-1', 'gateway', 'edge-1');
  const w = watch(cp.grpcAddress, token, { gateway: { id: 'edge-1', kind: 'GATEWAY_KIND_ENVOY', version: '1.0.0' }, heldVersion: 0 });
  const first = await w.next();
  assert.equal(first.version, '1');
  assert.equal(first.policies[0]!.rateLimit!.rate, 5);
  assert.equal(first.digest, cp.rules.current().compiled.digest);
  w.send({ appliedVersion: 1 });
  await until(async () => (await cp.store.gateways.get('edge-1'))?.rulesVersionAcked === 1, 'ack of version 1');

  const acked = new Promise<[string, number]>((resolve) => cp.hub.once('ack', (g, v) => resolve([g, v])));
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(7) });
  const second = await w.next();
  assert.equal(second.version, '2');
  w.send({ rejectedVersion: 2, rejectReason: 'table too large' });
  w.send({ appliedVersion: 2 });
  assert.deepEqual(await acked, ['edge-1', 2]);
  const g = await cp.store.gateways.get('edge-1');
  assert.equal(g?.rulesVersionRejected, 2);
  assert.equal(g?.rejectReason, 'table too large');
  assert.equal(g?.connected, true);
  assert.equal(g?.kind, 'GATEWAY_KIND_ENVOY');
  w.close();
  await until(async () => (await cp.store.gateways.get('edge-1'))?.connected === false, 'disconnect');
});

test('a watcher already holding the current version gets nothing until the next publish', async () => {
  const cp = await sqlitePlane();
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(1) });
  const token = await cp.createToken('edge-2', 'gateway', 'edge-2');
  const w = watch(cp.grpcAddress, token, { gateway: { id: 'edge-2' }, heldVersion: 1 });
  await until(async () => cp.hub.size === 1, 'registration');
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(2) });
  assert.equal((await w.next()).version, '2', 'the first message is the new version, not the held one');
  w.close();
});

test('response headers go out when a watcher registers, before any RuleSet', async () => {
  const cp = await sqlitePlane();
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(1) });
  const token = await cp.createToken('edge-h', 'gateway', 'edge-h');
  const client = new (loadPalisadeGrpc().palisade.v1.GatewayService)(cp.grpcAddress, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const call = client.WatchRules(md);
  const received: unknown[] = [];
  call.on('data', (r) => received.push(r));
  call.on('error', () => undefined);
  const headers = new Promise<boolean>((resolve) => {
    call.once('metadata', () => resolve(true));
    setTimeout(() => resolve(false), 5000).unref();
  });
  call.write({ gateway: { id: 'edge-h' }, heldVersion: 1 });
  assert.ok(await headers, 'response headers within 5 s of the hello');
  assert.equal(cp.hub.size, 1, 'registered by the time the headers arrive');
  assert.deepEqual(received, [], 'the held version is not sent again');
  call.cancel();
  client.close();
});

test('unknown tokens are UNAUTHENTICATED and a token used for another gateway id is PERMISSION_DENIED', async () => {
  const cp = await sqlitePlane();
  const bad = watch(cp.grpcAddress, 'pal_unknown', { gateway: { id: 'x' } });
  assert.equal((await bad.status).code, grpc.status.UNAUTHENTICATED);
  bad.close();
  const viewer = await cp.createToken('viewer', 'viewer');
  const notGateway = watch(cp.grpcAddress, viewer, { gateway: { id: 'x' } });
  assert.equal((await notGateway.status).code, grpc.status.UNAUTHENTICATED);
  notGateway.close();
  const token = await cp.createToken('edge-3', 'gateway', 'edge-3');
  const other = watch(cp.grpcAddress, token, { gateway: { id: 'edge-4' } });
  assert.equal((await other.status).code, grpc.status.PERMISSION_DENIED);
  other.close();
  const revoked = await cp.createToken('edge-5', 'gateway', 'edge-5');
  await cp.tokens.revokeGateway(SYSTEM_ACTOR, 'edge-5');
  const r = watch(cp.grpcAddress, revoked, { gateway: { id: 'edge-5' } });
  assert.equal((await r.status).code, grpc.status.UNAUTHENTICATED);
  r.close();
});

test('PostgreSQL: a publish on replica A reaches a watcher on replica B', async (t) => {
  const skip = await needService('PostgreSQL', '127.0.0.1', 5432);
  if (skip) return t.skip(skip);
  const schema = `t_watch_${process.pid}_${randomBytes(4).toString('hex')}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
  const config = { ...silent, postgres: { url: TEST_PG_URL, schema, poolSize: 4 } };
  const a = await startControlPlane(config, { detectionEngine: EMPTY_DETECTION_ENGINE });
  cleanups.push(() => a.close());
  const b = await startControlPlane(config, { detectionEngine: EMPTY_DETECTION_ENGINE });
  cleanups.push(() => b.close());

  const token = await a.createToken('edge-pg', 'gateway', 'edge-pg');
  const w = watch(b.grpcAddress, token, { gateway: { id: 'edge-pg' }, heldVersion: 0 });
  await until(async () => b.hub.size === 1, 'registration on B');
  const v = await a.rules.publish(SYSTEM_ACTOR, { source: source(9), comment: 'from A' });
  const got = await w.next();
  assert.equal(got.version, String(v.version));
  assert.equal(got.comment, 'from A');
  assert.equal(got.policies[0]!.rateLimit!.rate, 9);
  assert.equal(b.rules.current().version, v.version);
  w.send({ appliedVersion: v.version });
  await until(async () => (await a.store.gateways.get('edge-pg'))?.rulesVersionAcked === v.version, 'ack visible on A');

  // Concurrent publishes on both replicas never reuse a version number.
  const both = await Promise.all([
    a.rules.publish(SYSTEM_ACTOR, { source: source(10) }),
    b.rules.publish(SYSTEM_ACTOR, { source: source(11) }),
  ]);
  assert.notEqual(both[0].version, both[1].version);
  await until(async () => a.rules.current().version === b.rules.current().version, 'replicas converge');
  w.close();
});

test('shutting down records open streams as closed, so a restart does not show ghosts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-watch-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const cp = await startControlPlane({ ...silent, dataDir: dir }, { detectionEngine: EMPTY_DETECTION_ENGINE });
  const token = await cp.createToken('edge-r', 'gateway', 'edge-r');
  const w = watch(cp.grpcAddress, token, { gateway: { id: 'edge-r' } });
  // No RuleSet is sent (the plane holds none newer than the gateway's), so wait on the registry.
  await until(async () => (await cp.store.gateways.get('edge-r'))?.connected === true, 'stream recorded as open');
  await cp.close();
  w.close();
  const again = await startControlPlane({ ...silent, dataDir: dir }, { detectionEngine: EMPTY_DETECTION_ENGINE });
  cleanups.push(() => again.close());
  assert.equal((await again.store.gateways.get('edge-r'))?.connected, false);
});

test('detector tables travel only to gateways that do not hold them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-watch-'));
  const engine = createDetectionEngine();
  const cp = await startControlPlane({ ...silent, dataDir: dir }, { detectionEngine: engine });
  cleanups.push(async () => {
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(1) });
  const tables = cp.rules.current().compiled.detectorsDigest;
  assert.match(tables, /^[0-9a-f]{64}$/);
  const token = await cp.createToken('edge-d', 'gateway', 'edge-d');

  // A gateway that states no digest (an older filter) gets every RuleSet complete.
  const w = watch(cp.grpcAddress, token, { gateway: { id: 'edge-d' }, heldVersion: 0 });
  const v1 = await w.next();
  assert.ok(v1.automata.length > 0 && v1.detectors.length > 0);
  assert.equal(v1.detectorsOmitted, false);
  assert.equal(v1.detectorsDigest, tables);
  w.send({ appliedVersion: 1, detectorsDigest: tables });
  await until(async () => (await cp.store.gateways.get('edge-d'))?.rulesVersionAcked === 1, 'ack of version 1');

  // Same tables: the next publish goes out without them, flagged, with the digest they have.
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(2) });
  const v2 = await w.next();
  assert.equal(v2.version, '2');
  assert.equal(v2.detectorsOmitted, true);
  assert.equal(v2.detectorsDigest, tables);
  assert.deepEqual([v2.automata.length, v2.detectors.length], [0, 0]);
  assert.equal(v2.policies[0]!.rateLimit!.rate, 2);
  assert.equal(v2.digest, cp.rules.current().compiled.digest, 'the digest still names the complete behaviour');
  assert.ok(cp.rules.current().lean!.length * 20 < cp.rules.current().compiled.bytes.length);

  // The gateway refuses it (it no longer holds those tables): it gets the version complete.
  w.send({ rejectedVersion: 2, rejectReason: 'rules: detector tables omitted but not held', detectorsDigest: '' });
  const again = await w.next();
  assert.equal(again.version, '2');
  assert.equal(again.detectorsOmitted, false);
  assert.ok(again.automata.length > 0);
  w.send({ appliedVersion: 2, detectorsDigest: tables });
  await until(async () => (await cp.store.gateways.get('edge-d'))?.rulesVersionAcked === 2, 'ack of version 2');

  // Changed tables (a built-in detector disabled) go out complete to everyone.
  const [someId] = [...engine.builtInIds];
  await cp.rules.publish(SYSTEM_ACTOR, { source: { ...source(3), disabledDetectors: [someId!] } });
  const v3 = await w.next();
  assert.equal(v3.detectorsOmitted, false);
  assert.notEqual(v3.detectorsDigest, tables);
  assert.ok(v3.detectors.length > 0 && v3.detectors.length < v1.detectors.length);
  w.close();

  // A reconnecting gateway that states the current tables gets the current version lean at once;
  // the stored version and GET /v1/rules stay complete.
  const tables3 = v3.detectorsDigest;
  const w2 = watch(cp.grpcAddress, token, { gateway: { id: 'edge-d' }, heldVersion: 2, detectorsDigest: tables3 });
  const lean3 = await w2.next();
  assert.equal(lean3.version, '3');
  assert.equal(lean3.detectorsOmitted, true);
  assert.equal(lean3.detectorsDigest, tables3);
  const stored = compiledFromBytes((await cp.rules.versions.get(3))!.compiled);
  assert.ok(stored.ruleSet.automata!.length > 0);
  assert.ok(!JSON.parse(cp.rules.current().json).detectorsOmitted);
  w2.close();
});

test('a new value release list reaches watchers with the version they hold, lean, without a new version', async () => {
  const cp = await sqlitePlane();
  await cp.rules.publish(SYSTEM_ACTOR, { source: source(1) });
  const tables = cp.rules.current().compiled.detectorsDigest;
  const token = await cp.createToken('edge-r', 'gateway', 'edge-r');
  const w = watch(cp.grpcAddress, token, { gateway: { id: 'edge-r' }, heldVersion: 1, detectorsDigest: tables });
  await until(async () => cp.hub.size === 1, 'registration');

  const endpoints = new Map([['e1', { host: 'api.example.com', method: 'GET', pathTemplate: '/v1/orders/{id}' }]]);
  const rows = [{ hash: '0102030405060708', count: 30, clients: 0x1f, value: '' }];
  const releases = buildReleaseSet([{ endpointId: 'e1', location: 'response', name: '$.status', rows }], endpoints, DEFAULT_RELEASE_POLICY);
  const etag = cp.rules.current().etag;
  cp.rules.setReleases(releases);
  const pushed = await w.next();
  assert.equal(pushed.version, '1', 'the version in force, not a new one');
  assert.equal(pushed.detectorsOmitted, true);
  assert.equal(pushed.digest, cp.rules.current().compiled.digest, 'the rules digest does not cover releases');
  assert.equal(pushed.releasesDigest, releases.digest);
  assert.deepEqual(pushed.valueReleases[0]!.endpoint!.paths, ['/v1/orders/{id}']);
  assert.deepEqual(pushed.valueReleases[0]!.hashes, [hashToFixed64('0102030405060708')]);
  assert.notEqual(cp.rules.current().etag, etag);
  assert.equal(await cp.rules.versions.latestVersion(), 1);

  // The same list again is no news; a reconnecting gateway holding version 1 still gets it once.
  cp.rules.setReleases(
    buildReleaseSet([{ endpointId: 'e1', location: 'response', name: '$.status', rows }], endpoints, DEFAULT_RELEASE_POLICY),
  );
  w.close();
  const w2 = watch(cp.grpcAddress, token, { gateway: { id: 'edge-r' }, heldVersion: 1, detectorsDigest: tables });
  const again = await w2.next();
  assert.equal(again.version, '1');
  assert.equal(again.releasesDigest, releases.digest);
  w2.close();
});
