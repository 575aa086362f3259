import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { loadPalisadeGrpc } from '../../proto/load.ts';
import { createGatewayRegistry } from '../gateways/gateway-registry.ts';
import { createIngest, type Ingest, type IngestResult } from '../ingest/ingest.ts';
import { createInventory } from '../inventory/inventory.ts';
import { storeTargets } from '../store/testing.ts';
import type { Store } from '../store/types.ts';
import { createGrpcServer, type GrpcServer, type WatchRulesHandler } from './server.ts';
import { bearerMetadata, gatewayClient, openReport } from './test-client.ts';

// A tiny in-test authenticator: token → gateway id.
const TOKENS = new Map([
  ['tok-a', 'gw-a'],
  ['tok-b', 'gw-b'],
]);
const authenticateGateway = async (token: string) => (TOKENS.has(token) ? { gatewayId: TOKENS.get(token)! } : null);

function batch(seq: number, events = 2, gatewayId = 'gw-a'): ReportBatch {
  return {
    gatewayId,
    bootId: 'boot-1',
    sequence: seq,
    sentAtMs: Date.now(),
    counters: { eventsDropped: 0, requestsSeen: seq * events },
    events: Array.from({ length: events }, (_, i) => ({
      id: seq * 100 + i,
      timestampMs: Date.now(),
      host: 'api.example.com',
      method: 'GET',
      path: `/v1/users/${seq * 100 + i}`,
      status: 200,
      latencyUs: 1500,
      clientIp: '203.0.113.9',
    })),
  };
}

const [sqlite] = await storeTargets();
let store: Store;
let ingest: Ingest;
let server: GrpcServer;
const watchCalls: string[] = [];

before(async () => {
  store = await sqlite!.open();
  ingest = createIngest({ store, inventory: createInventory({ store }), limits: { maxEvents: 50 } });
  const watchRules: WatchRulesHandler = (call, auth) => {
    watchCalls.push(auth.gatewayId);
    call.write({ version: 1 });
    call.end();
  };
  server = await createGrpcServer({
    ingest,
    gateways: createGatewayRegistry({ store }),
    authenticateGateway,
    watchRules,
    maxBatchBytes: 64 * 1024,
  });
});
after(async () => {
  await server.close();
  await sqlite!.cleanup();
});

describe('GatewayService.Report', () => {
  it('refuses a call without a token with UNAUTHENTICATED', async () => {
    const client = gatewayClient(server.port);
    const call = client.Report();
    call.write(batch(1));
    const err = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.match(err.details, /authorization: Bearer/);
    client.close();
  });

  it('refuses an unknown token with UNAUTHENTICATED and stores nothing', async () => {
    const client = gatewayClient(server.port);
    const s = openReport(client, 'tok-unknown');
    s.stream.write(batch(1));
    const err = await s.closed;
    assert.equal(err?.code, grpc.status.UNAUTHENTICATED);
    assert.equal(await store.events.count(), 0);
    client.close();
  });

  it('acks each batch once it is stored, and duplicates as DUPLICATE', async () => {
    const client = gatewayClient(server.port);
    const s = openReport(client, 'tok-a');
    for (const seq of [1, 2, 3, 2]) s.stream.write(batch(seq));
    const acks = await s.waitForAcks(4);
    assert.deepEqual(
      acks.map((a) => [a.sequence, a.status, a.accepted]),
      [
        ['1', 'ACK_STATUS_OK', 2],
        ['2', 'ACK_STATUS_OK', 2],
        ['3', 'ACK_STATUS_OK', 2],
        ['2', 'ACK_STATUS_DUPLICATE', 0],
      ],
    );
    assert.equal(await store.events.count({ gatewayId: 'gw-a' }), 6);
    s.stream.end();
    assert.equal(await s.closed, null);
    client.close();
  });

  it('rejects a batch that claims another gateway id, and one with too many events', async () => {
    const client = gatewayClient(server.port);
    const s = openReport(client, 'tok-b');
    s.stream.write(batch(1, 1, 'gw-a'));
    s.stream.write(batch(2, 51, 'gw-b'));
    const [a, b] = await s.waitForAcks(2);
    assert.equal(a?.status, 'ACK_STATUS_REJECTED');
    assert.match(a?.message ?? '', /^gateway_mismatch:/);
    assert.equal(b?.status, 'ACK_STATUS_REJECTED');
    assert.match(b?.message ?? '', /^too_many_events: 51 events/);
    assert.equal(await store.events.count({ gatewayId: 'gw-b' }), 0);
    s.stream.end();
    client.close();
  });

  it('ends the stream with INVALID_ARGUMENT on bytes that are not a ReportBatch', async () => {
    const before = server.metrics.snapshot().grpc_report_malformed_total;
    const client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const call = client.makeBidiStreamRequest(
      '/palisade.v1.GatewayService/Report',
      (b: Buffer) => b,
      (b: Buffer) => b,
      bearerMetadata('tok-a'),
    );
    call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    const err = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /^malformed ReportBatch/);
    assert.equal(server.metrics.snapshot().grpc_report_malformed_total, before + 1);
    client.close();
  });

  it('ends the stream with INVALID_ARGUMENT on an oversized batch', async () => {
    const client = gatewayClient(server.port);
    const s = openReport(client, 'tok-a');
    const big = batch(9, 1);
    big.events![0]!.path = '/x/' + 'a'.repeat(70 * 1024);
    s.stream.write(big);
    const err = await s.closed;
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err?.details ?? '', /^oversized ReportBatch: batch of \d+ bytes exceeds 65536/);
    assert.equal(server.metrics.snapshot().grpc_report_oversized_total, 1);
    client.close();
  });

  it('records the gateway so /v1/gateways shows it', async () => {
    const g = await store.gateways.get('gw-a');
    assert.equal(g?.eventsReceived, 6);
    assert.ok((g?.lastHeartbeatMs ?? 0) > 0);
  });
});

describe('GatewayService.Report flow control', () => {
  it('stops reading when maxInFlight batches are un-acked, and resumes as acks go out', async () => {
    let active = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const slow = {
      ingestBatch(_gw: string, b: ReportBatch): Promise<IngestResult> {
        active++;
        peak = Math.max(peak, active);
        return new Promise((resolve) =>
          release.push(() => {
            active--;
            resolve({ status: 'ACK_STATUS_OK', accepted: b.events?.length ?? 0, message: '' });
          }),
        );
      },
    };
    const s2 = await createGrpcServer({ ingest: slow, gateways: { seen: async () => undefined }, authenticateGateway, maxInFlight: 2 });
    const client = gatewayClient(s2.port);
    const s = openReport(client, 'tok-a');
    for (let i = 1; i <= 20; i++) s.stream.write(batch(i, 1));
    // Release batches one by one as they are read; never more than 2 are held.
    let acked = 0;
    while (acked < 20) {
      await new Promise<void>((r) => setImmediate(r));
      const next = release.shift();
      if (next) {
        next();
        acked++;
      }
    }
    await s.waitForAcks(20);
    assert.ok(peak <= 2, `peak in-flight ${peak}`);
    assert.ok(s2.metrics.snapshot().grpc_report_paused_total > 0);
    s.stream.end();
    client.close();
    await s2.close();
  });

  it('does not ack when the store fails: the stream ends UNAVAILABLE', async () => {
    const failing = { ingestBatch: async () => Promise.reject(new Error('disk full')) };
    const s2 = await createGrpcServer({ ingest: failing, gateways: { seen: async () => undefined }, authenticateGateway });
    const client = gatewayClient(s2.port);
    const s = openReport(client, 'tok-a');
    s.stream.write(batch(1));
    const err = await s.closed;
    assert.equal(err?.code, grpc.status.UNAVAILABLE);
    assert.match(err?.details ?? '', /disk full/);
    assert.equal(s.acks.length, 0);
    client.close();
    await s2.close();
  });
});

describe('GatewayService.WatchRules', () => {
  it('hands authenticated calls to the rules handler with the token’s gateway id', async () => {
    const client = gatewayClient(server.port);
    const call = client.WatchRules(bearerMetadata('tok-b'));
    call.write({ gateway: { id: 'gw-b' }, heldVersion: 0 });
    const got = await new Promise<unknown>((resolve) => call.on('data', resolve));
    assert.equal((got as { version: string }).version, '1');
    assert.deepEqual(watchCalls, ['gw-b']);
    client.close();
  });

  it('answers UNIMPLEMENTED when no rules handler is configured', async () => {
    const s2 = await createGrpcServer({ ingest, gateways: { seen: async () => undefined }, authenticateGateway });
    const client = gatewayClient(s2.port);
    const call = client.WatchRules(bearerMetadata('tok-a'));
    const err = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    assert.equal(err.code, grpc.status.UNIMPLEMENTED);
    client.close();
    await s2.close();
  });

  it('uses the proto contract loaded through proto/load.ts', () => {
    assert.ok(loadPalisadeGrpc().palisade.v1.GatewayService.service.Report.requestStream);
  });
});
