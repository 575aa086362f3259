// GET /metrics: bad input of each kind leaves a count — HTTP problems by code (invalid JSON,
// schema errors, bad tokens), gRPC refusals (unknown token, malformed protobuf) — next to the
// ingest counters and the gauges that bound memory; Prometheus text, behind a viewer token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';
import { bearerMetadata, gatewayClient, openReport } from '../grpc/test-client.ts';
import { prometheusText } from './prometheus-text.ts';

let cp: ControlPlane;
let dir: string;
let viewer: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-metrics-'));
  cp = await startControlPlane(
    { dataDir: dir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  viewer = await cp.createToken('v', 'viewer');
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(cp.httpUrl + '/metrics', { headers: { authorization: `Bearer ${viewer}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

test('bad HTTP and gRPC input is counted by kind', async () => {
  const post = (body: string, token: string) =>
    fetch(cp.httpUrl + '/v1/rules/publish', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
  await post('{"source": ', await cp.createToken('op', 'operator'));
  await post('{}', 'nope');
  await fetch(cp.httpUrl + '/v1/endpoints?sort=popularity', { headers: { authorization: `Bearer ${viewer}` } });

  const client = gatewayClient(cp.grpcPort);
  const refused = openReport(client, 'unknown-token');
  refused.stream.write({ gatewayId: 'x', bootId: 'b', sequence: 1, events: [] });
  assert.equal((await refused.closed)?.code, grpc.status.UNAUTHENTICATED);
  // Bytes that are not a ReportBatch, sent past the client's serializer.
  const token = await cp.createToken('gw', 'gateway', 'gw-m');
  const raw = client.makeBidiStreamRequest(
    '/palisade.v1.GatewayService/Report',
    (b: Buffer) => b,
    (b: Buffer) => b,
    bearerMetadata(token),
  );
  const ended = new Promise<number>((resolve) => raw.on('error', (e: grpc.ServiceError) => resolve(e.code)));
  raw.on('data', () => undefined);
  raw.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
  assert.equal(await ended, grpc.status.INVALID_ARGUMENT);
  client.close();

  const m = await scrape();
  assert.equal(m.get('palisade_http_problems_total{code="PAL-REQUEST-JSON"}'), 1);
  assert.equal(m.get('palisade_http_problems_total{code="PAL-AUTH-UNAUTHENTICATED"}'), 1);
  assert.equal(m.get('palisade_http_problems_total{code="PAL-REQUEST-INVALID"}'), 1);
  assert.equal(m.get('palisade_grpc_unauthenticated_total'), 1);
  assert.equal(m.get('palisade_grpc_report_malformed_total'), 1);
  assert.equal(m.get('palisade_ingest_batches_stored_total'), 0);
  assert.equal(m.get('palisade_rules_watchers'), 0);
  assert.ok(m.has('palisade_inventory_nodes'));
});

test('metrics need a token', async () => {
  assert.equal((await fetch(cp.httpUrl + '/metrics')).status, 401);
});

test('the text format: one TYPE line per name, labels escaped, counters end in _total', () => {
  const text = prometheusText({ 'a_total{code="x"}': 1, 'a_total{code="y"}': 2, g: 3, 'b_total{k="q\\"uote"}': 1 });
  assert.equal(text.match(/# TYPE palisade_a_total counter/g)?.length, 1);
  assert.match(text, /# TYPE palisade_g gauge\npalisade_g 3\n/);
});
