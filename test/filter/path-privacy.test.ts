// Sensitive values in request path segments (`/v1/imei/356938035643809`) never leave the gateway:
// the built palisade.wasm scans each percent-decoded segment (key: the segment before it) and
// reports a FIELD_KIND_PATH finding, and the event's path carries `{<type>}` in place of the
// segment (docs/filter-config.md "Path privacy"). The batch bytes on the wire are searched too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';
import { pathPrivacyVectors, rawValues } from '../lib/path-privacy-vectors.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';

type Json = Record<string, unknown>;
const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);
interface Finding {
  type: string;
  masked: string;
  location: { field: string; name?: string; start?: number; end?: number };
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

for (const v of pathPrivacyVectors()) {
  test(`${v.name}: ${v.input.path} → ${v.expected.path}`, async () => {
    const { event, findings, wire } = await report(`path-${v.name}`, v.input.path);
    assert.equal(event.path, v.expected.path);
    const inPath = findings
      .filter((f) => f.location.field === 'FIELD_KIND_PATH')
      .map((f) => ({ type: f.type, name: f.location.name ?? '' }));
    assert.deepEqual(inPath.sort(byType), [...v.expected.findings].sort(byType));
    for (const raw of rawValues(v)) {
      for (const bytes of wire) assert.ok(!bytes.includes(raw), `${raw} left the gateway in a batch`);
    }
  });
}

test('a path beyond ASCII is scanned from its encoded copy, the query too, with the same result', async () => {
  // An ASCII :path is scanned in place from the header map's bytes; any other is encoded first.
  for (const [id, path] of [
    ['ascii', '/v1/cafe/cards/4111111111111111?card=5555555555554444'],
    ['utf8', '/v1/café/cards/4111111111111111?card=5555555555554444&q=é'],
  ] as const) {
    const { event, findings } = await report(`path-${id}`, path);
    assert.equal(event.path, path.split('?')[0]!.replace('4111111111111111', '{credit_card}'), id);
    const where = findings
      .map((f) => `${f.location.field} ${f.location.name ?? ''} ${f.type} ${f.location.start ?? 0}-${f.location.end}`)
      .sort();
    assert.deepEqual(where, ['FIELD_KIND_PATH cards credit_card 0-16', 'FIELD_KIND_QUERY  credit_card 5-21'], id);
  }
});
