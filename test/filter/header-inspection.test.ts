// Headers and the query in the built palisade.wasm: response headers are inspected like the
// request's, and max_body_bytes bounds bodies only (docs/detectors.md §9) — a header or query value
// longer than it is still scanned whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange, type ExchangeSpec } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

interface Finding {
  type: string;
  start?: number;
  end?: number;
  location: { direction: string; field: string; headerName?: string };
}

/** The findings the filter reports for one exchange, with the plugin configured by `extra`. */
async function findingsOf(
  extra: Record<string, unknown>,
  spec: ExchangeSpec,
): Promise<{ findings: Finding[]; event: Record<string, unknown> }> {
  const cp = new FakeControlPlane();
  const port = await cp.start();
  let plugin: Plugin | undefined;
  try {
    plugin = await createPlugin({
      wasm: WASM,
      pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'edge-1', token: 't', batch_size: 1, ...extra }),
      grpcClusters: { cp: { address: `127.0.0.1:${port}` } },
      manualTicks: true,
    });
    const r = exchange(plugin, spec);
    assert.equal(r.localReply, undefined);
    const batch = await cp.waitBatch((b) => JSON.stringify(b).includes(spec.path!.split('?')[0]!));
    const event = (batch.events as Record<string, unknown>[]).find((e) => e.path === spec.path!.split('?')[0])!;
    return { findings: (event.findings ?? []) as Finding[], event };
  } finally {
    await plugin?.close();
    await cp.stop();
  }
}

const where = (f: Finding) => `${f.type} ${f.location.field} ${f.location.direction}`;

test("response headers are inspected, and what they carry is the response's", async () => {
  const { findings } = await findingsOf(
    {},
    {
      path: '/v1/login',
      response: {
        headers: [
          ['x-session-token', JWT],
          ['content-type', 'text/plain'],
        ],
        body: 'ok',
      },
    },
  );
  assert.deepEqual(findings.map(where), ['jwt FIELD_KIND_HEADER DIRECTION_RESPONSE']);
});

test('max_body_bytes bounds bodies only: a longer header and query are scanned whole', async () => {
  const { findings, event } = await findingsOf(
    { max_body_bytes: 16 },
    {
      method: 'POST',
      path: '/v1/profile?note=aaaaaaaaaaaaaaaaaaaaaaaa&contact=jane.doe%40example.org',
      headers: [
        ['authorization', `Bearer ${JWT}`],
        ['content-type', 'application/json'],
      ],
      body: '{"padding":"xxxxxxxxxxxx","email":"john@example.com"}',
    },
  );
  assert.deepEqual(findings.map(where).sort(), ['email FIELD_KIND_QUERY DIRECTION_REQUEST', 'jwt FIELD_KIND_HEADER DIRECTION_REQUEST']);
  // The body's email sits past byte 16: not inspected, and the body is reported truncated.
  assert.equal((event.requestShape as Record<string, unknown>).truncated, true);
});

test('max_body_bytes 0 leaves bodies uninspected, headers and the query still inspected', async () => {
  const { findings, event } = await findingsOf(
    { max_body_bytes: 0 },
    {
      method: 'POST',
      path: '/v1/contact?email=jane.doe%40example.org',
      headers: [
        ['authorization', `Bearer ${JWT}`],
        ['content-type', 'application/json'],
      ],
      body: '{"email":"john@example.com"}',
    },
  );
  assert.deepEqual(findings.map(where).sort(), ['email FIELD_KIND_QUERY DIRECTION_REQUEST', 'jwt FIELD_KIND_HEADER DIRECTION_REQUEST']);
  assert.equal((event.requestShape as Record<string, unknown>).notInspectedReason, 'limit');
});
