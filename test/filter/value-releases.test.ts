// Enums from runtime in the built palisade.wasm (docs/posture.md): body fields and query parameters
// carry the keyed value hash of their first token-like value, and the literal value only when the
// rules in force release that hash for the exchange's endpoint (RuleSet.value_releases). A RuleSet
// re-sent with the same version and a new releases_digest updates the releases; a bad release list
// refuses the RuleSet and the releases in force stay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';
import { builtinWith } from './lib/builtin-rules.ts';
import { valueHashHex, type ValueLocation } from '../lib/value-hash.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
const KEY = '000102030405060708090a0b0c0d0e0f';

type Json = Record<string, unknown>;
interface Valued {
  path?: string;
  name?: string;
  valueHash?: string;
  value?: string;
}

const hex = (location: ValueLocation, path: string, value: string) => valueHashHex(KEY, location, path, value);
/** The value_hash bytes (hex) as the little-endian fixed64 ValueRelease.hashes carries. */
const fixed64 = (h: string) => Buffer.from(h, 'hex').readBigUInt64LE(0);
const release = (path: string, hashes: string[]) => ({
  endpoint: { hosts: ['api.example.com'], methods: ['GET'], paths: [path] },
  hashes: hashes
    .map(fixed64)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(String),
});

const cp = new FakeControlPlane();
let p: Plugin;
before(async () => {
  await cp.start();
  p = await createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'gw-enums', token: 't', batch_size: 1, hash_key: KEY }),
    grpcClusters: { cp: { address: `127.0.0.1:${cp.port}` } },
  });
});
after(async () => {
  await p.close();
  await cp.stop();
});

const RESPONSE = {
  status: 'active',
  kind: 'pending',
  id: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  count: 3,
  note: 'two words',
  items: [{ state: 'x' }, { state: 'y' }],
};

/** Sends GET `path` with RESPONSE as the response body; the event's fields and parameters by name. */
async function report(id: string, path: string): Promise<{ fields: Map<string, Valued>; params: Map<string, Valued> }> {
  exchange(p, {
    method: 'GET',
    path,
    headers: [['x-request-id', id]],
    response: { status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(RESPONSE) },
  });
  const batch = await cp.waitBatch((b) => (b.events as Json[]).some((e) => e.requestId === id));
  const event = (batch.events as Json[]).find((e) => e.requestId === id)!;
  const shape = event.responseShape as { fields: Valued[] };
  return {
    fields: new Map(shape.fields.map((f) => [f.path!, f])),
    params: new Map(((event.params ?? []) as Valued[]).map((q) => [q.name!, q])),
  };
}

const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');
const applied = (version: string) => cp.watchRequests.filter((r) => r.appliedVersion === version).length;

async function pushAndWaitApplied(rules: Json, version: string): Promise<void> {
  const before = applied(version);
  if (cp.connectedWatchers === 0) await cp.pushWhenConnected(rules);
  else cp.push(rules);
  await cp.waitWatch(() => applied(version) > before);
}

test('without releases: hashes of token-like first values only, no literal value', async () => {
  const { fields, params } = await report('none', '/v1/orders/42?view=full&sort=asc&day=2026-12-05');
  assert.equal(fields.get('$.status')?.valueHash, b64(hex('response', '$.status', 'active')));
  assert.equal(fields.get('$.items[].state')?.valueHash, b64(hex('response', '$.items[].state', 'x')), 'the first element');
  assert.equal(params.get('view')?.valueHash, b64(hex('query', 'view', 'full')));
  for (const name of ['$.id', '$.count', '$.note', '$.items']) assert.equal(fields.get(name)?.valueHash, undefined, name);
  assert.equal(params.get('day')?.valueHash, undefined, 'a date is a format, not an enum value');
  for (const f of [...fields.values(), ...params.values()]) assert.equal(f.value, undefined, `${f.path ?? f.name} sent a value`);
});

test('a repeated query keeps its parameters while the releases stay, and not once they change', async () => {
  // The filter keeps the parameters of a repeated query string (telemetry/params.ts): a release
  // that arrives in between must still reach the next request with that query.
  const path = '/v1/orders/43?view=full';
  for (const id of ['same-1', 'same-2']) {
    const { params } = await report(id, path);
    assert.equal(params.get('view')?.valueHash, b64(hex('query', 'view', 'full')), id);
    assert.equal(params.get('view')?.value, undefined, `${id}: nothing released yet`);
  }
  await pushAndWaitApplied(
    { version: '1', valueReleases: [release('/v1/orders/{id}', [hex('query', 'view', 'full')])], releasesDigest: 'd0' },
    '1',
  );
  const { params } = await report('same-3', path);
  assert.equal(params.get('view')?.value, 'full', 'released since the last request with this query');
  assert.equal(params.get('view')?.valueHash, b64(hex('query', 'view', 'full')));
});

test('released hashes send their value on the released endpoint only; a re-sent version updates the releases', async () => {
  const first = [hex('response', '$.status', 'active'), hex('query', 'view', 'full')];
  await pushAndWaitApplied({ version: '1', valueReleases: [release('/v1/orders/{id}', first)], releasesDigest: 'd1' }, '1');
  let r = await report('r1', '/v1/orders/7?view=full&sort=asc');
  assert.equal(r.fields.get('$.status')?.value, 'active');
  assert.equal(r.params.get('view')?.value, 'full');
  assert.equal(r.fields.get('$.kind')?.value, undefined, 'not released');
  assert.equal(r.params.get('sort')?.value, undefined, 'not released');
  assert.ok(r.fields.get('$.kind')?.valueHash, 'an unreleased value still sends its hash');

  r = await report('other-endpoint', '/v1/users/7?view=full');
  assert.equal(r.fields.get('$.status')?.value, undefined, 'released for another endpoint');
  assert.equal(r.params.get('view')?.value, undefined, 'released for another endpoint');

  // The same version with a new release list (WatchRules re-sends the rules in force).
  const second = [...first, hex('response', '$.kind', 'pending')];
  await pushAndWaitApplied({ version: '1', valueReleases: [release('/v1/orders/{id}', second)], releasesDigest: 'd2' }, '1');
  r = await report('r2', '/v1/orders/8');
  assert.equal(r.fields.get('$.kind')?.value, 'pending');
  assert.equal(r.fields.get('$.status')?.value, 'active');
});

test('a bad release list refuses the RuleSet and keeps the releases in force', async () => {
  const hashes = release('/v1/orders/{id}', [hex('response', '$.status', 'active'), hex('response', '$.kind', 'pending')]).hashes.reverse();
  const bad = { endpoint: { hosts: ['api.example.com'], methods: ['GET'], paths: ['/v1/orders/{id}'] }, hashes };
  cp.push({ version: '2', valueReleases: [bad], releasesDigest: 'd3' });
  const refused = await cp.waitWatch((w) => w.rejectedVersion === '2');
  assert.match(String(refused.rejectReason), /out of order/);
  cp.push({ version: '3', valueReleases: [{ endpoint: { paths: ['/v1/orders/{id}'] }, hashes }], releasesDigest: 'd4' });
  assert.match(String((await cp.waitWatch((w) => w.rejectedVersion === '3')).rejectReason), /without an endpoint/);
  const r = await report('kept', '/v1/orders/9');
  assert.equal(r.fields.get('$.kind')?.value, 'pending', 'the releases of d2 still apply');
});

test('with nothing published: the built-in version 0 sent back lean with releases is taken; a whole version 0 is not', async () => {
  const fresh = new FakeControlPlane();
  await fresh.start();
  const q = await createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'gw-enums-0', token: 't', batch_size: 1, hash_key: KEY }),
    grpcClusters: { cp: { address: `127.0.0.1:${fresh.port}` } },
  });
  try {
    const hello = await fresh.waitWatch((w) => w.gateway !== undefined);
    assert.ok(hello.detectorsDigest, 'the filter names the built-in tables it holds');
    const releases = [release('/v1/orders/{id}', [hex('response', '$.status', 'active')])];
    fresh.push({
      version: '0',
      detectorsOmitted: true,
      detectorsDigest: hello.detectorsDigest,
      valueReleases: releases,
      releasesDigest: 'd0',
    });
    const sent = async (id: string) => {
      exchange(q, {
        method: 'GET',
        path: '/v1/orders/1',
        headers: [['x-request-id', id]],
        response: { status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(RESPONSE) },
      });
      const batch = await fresh.waitBatch((b) => (b.events as Json[]).some((e) => e.requestId === id));
      const e = (batch.events as Json[]).find((x) => x.requestId === id)!;
      return ((e.responseShape as { fields: Valued[] }).fields.find((f) => f.path === '$.status') ?? {}).value;
    };
    let value: string | undefined;
    for (let i = 0; i < 50 && value === undefined; i++) value = await sent(`lean-${i}`);
    assert.equal(value, 'active', 'the lean version 0 brought the release list');
    fresh.push(builtinWith({ version: '0', valueReleases: [], releasesDigest: '' }));
    await fresh.waitWatch((w) => w.rejectReason === 'rules: version 0 is reserved for the built-in rules');
    assert.equal(await sent('after-whole'), 'active', 'a whole version 0 is refused: the releases in force stay');
  } finally {
    await q.close();
    await fresh.stop();
  }
});
