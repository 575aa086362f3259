// Sensitive values in request path segments (`/v1/imei/356938035643809`) never leave the gateway:
// the built palisade.wasm scans each percent-decoded segment (key: the segment before it) and
// reports a FIELD_KIND_PATH finding, and the event's path carries `{<type>}` in place of the
// segment (docs/filter-config.md "Path privacy"). The batch bytes on the wire are searched too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';

type Json = Record<string, unknown>;
interface Finding {
  type: string;
  masked: string;
  location: { field: string; name?: string };
}

const cp = new FakeControlPlane();
let p: Plugin;
before(async () => {
  await cp.start();
  p = await createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'gw-path', token: 't', batch_size: 1 }),
    grpcClusters: { cp: { address: `127.0.0.1:${cp.port}` } },
  });
});
after(async () => {
  await p.close();
  await cp.stop();
});

/** Sends `path`, waits for the event whose request id is `id`, and returns it with its batch's wire bytes. */
async function report(id: string, path: string): Promise<{ event: Json; findings: Finding[]; wire: Buffer[] }> {
  const r = exchange(p, { method: 'GET', path, headers: [['x-request-id', id]] });
  assert.equal(r.clientStatus, 200, 'monitor: the request passes');
  const batch = await cp.waitBatch((b) => (b.events as Json[]).some((e) => e.requestId === id));
  const event = (batch.events as Json[]).find((e) => e.requestId === id)!;
  return { event, findings: (event.findings ?? []) as unknown as Finding[], wire: cp.batchBytes };
}

const CASES = [
  { name: 'IMEI under /imei/', path: '/v1/imei/356938035643809/status', raw: '356938035643809', type: 'imei', reported: '/v1/imei/{imei}/status' },
  { name: 'card number under /cards/', path: '/v1/cards/4111111111111111', raw: '4111111111111111', type: 'credit_card', reported: '/v1/cards/{credit_card}' },
  { name: 'SSN under /ssn/', path: '/people/ssn/536-22-5492/profile', raw: '536-22-5492', type: 'us_ssn', reported: '/people/ssn/{us_ssn}/profile' },
  { name: 'percent-encoded email under /users/', path: '/v2/users/ada.lovelace%40example.org', raw: 'ada.lovelace', type: 'email', reported: '/v2/users/{email}' },
];

for (const c of CASES) {
  test(`${c.name}: ${c.path} → FIELD_KIND_PATH ${c.type} finding, event path ${c.reported}, raw value nowhere in the batch`, async () => {
    const { event, findings, wire } = await report(`path-${c.type}`, c.path);
    const f = findings.find((x) => x.type === c.type);
    assert.ok(f, `a ${c.type} finding: ${JSON.stringify(findings)}`);
    assert.equal(f.location.field, 'FIELD_KIND_PATH');
    assert.ok(!f.masked.includes(c.raw));
    assert.equal(event.path, c.reported);
    for (const bytes of wire) assert.ok(!bytes.includes(c.raw), `${c.raw} left the gateway in a batch`);
    assert.ok(!JSON.stringify(event).includes(c.raw));
  });
}

test('the segment before the value is the context key: 15 Luhn-valid digits under /orders/ are no IMEI and stay', async () => {
  const { event, findings } = await report('path-no-context', '/v1/orders/490154203237518');
  assert.deepEqual(
    findings.filter((f) => f.type === 'imei'),
    [],
  );
  assert.equal(event.path, '/v1/orders/490154203237518', 'no finding: the path is reported as requested');
});

test('a path with no sensitive segment is reported unchanged (templating still sees it)', async () => {
  const { event, findings } = await report('path-clean', '/v1/catalog/items/42');
  assert.equal(event.path, '/v1/catalog/items/42');
  assert.equal(findings.filter((f) => f.location.field === 'FIELD_KIND_PATH').length, 0);
});
