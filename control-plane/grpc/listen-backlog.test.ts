// The gRPC listener queues up to GRPC_LISTEN_BACKLOG pending connections (capped by the kernel's
// somaxconn), not Node's default 511, and still serves calls like a bound port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { createGrpcServer } from './server.ts';
import { GRPC_LISTEN_BACKLOG, listenGrpc, parseListenAddress, resolveListenHost } from './listen-backlog.ts';
import { loadPalisadeGrpc } from '../../proto/load.ts';

test('listen addresses: host:port, [v6]:port, and bad ones refused', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:50051'), { host: '127.0.0.1', port: 50051 });
  assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListenAddress(':7000'), { host: '0.0.0.0', port: 7000 });
  for (const bad of ['127.0.0.1', '::1:80', 'host:99999', '']) assert.throws(() => parseListenAddress(bad), /listen address/);
});

test('the listening socket has the raised backlog and serves WatchRules', async () => {
  const server = await createGrpcServer({
    address: '127.0.0.1:0',
    ingest: { ingestBatch: async () => ({ accepted: 0, rejected: 0 }) } as never,
    gateways: { seen: async () => undefined },
    authenticateGateway: async (token) => (token === 'tok' ? { gatewayId: 'gw' } : null),
    watchRules: (call) => {
      call.write({ version: '5' } as never);
      call.end();
    },
  });
  try {
    // For a listening TCP socket `ss` shows the backlog in Send-Q.
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const line = execFileSync('ss', ['-ltnH', `sport = :${server.port}`], { encoding: 'utf8' }).trim();
    const sendQ = Number(line.split(/\s+/)[2]);
    assert.equal(sendQ, Math.min(GRPC_LISTEN_BACKLOG, somaxconn), line);
    assert.ok(sendQ > 511, `backlog ${sendQ} is above Node's default`);

    const Service = loadPalisadeGrpc().palisade.v1.GatewayService;
    const client = new Service(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set('authorization', 'Bearer tok');
    const call = client.WatchRules(md);
    const first = await new Promise<{ version?: string }>((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    assert.equal(first.version, '5');
    call.cancel();
    client.close();
  } finally {
    await server.close(100);
  }
});

test('a host name is listened on at every address it resolves to, on one port', async () => {
  const server = new grpc.Server();
  // 127.0.0.2 is loopback on Linux too: two addresses of one name, as localhost is 127.0.0.1 and ::1.
  const listener = await listenGrpc(server, 'gateway-facing.test:0', grpc.ServerCredentials.createInsecure(), 64, async () => [
    '127.0.0.1',
    '127.0.0.2',
  ]);
  try {
    assert.ok(listener.port > 0);
    for (const a of ['127.0.0.1', '127.0.0.2']) {
      const line = execFileSync('ss', ['-ltnH', `src ${a}:${listener.port}`], { encoding: 'utf8' }).trim();
      assert.ok(line, `listening on ${a}:${listener.port}`);
    }
  } finally {
    listener.close();
    server.forceShutdown();
  }
  // One address that cannot be bound is skipped; none at all is an error.
  const partial = await listenGrpc(new grpc.Server(), 'x.test:0', grpc.ServerCredentials.createInsecure(), 64, async () => [
    '192.0.2.1',
    '127.0.0.1',
  ]);
  partial.close();
  await assert.rejects(
    listenGrpc(new grpc.Server(), 'x.test:0', grpc.ServerCredentials.createInsecure(), 64, async () => ['192.0.2.1']),
    /EADDRNOTAVAIL/,
  );
  assert.deepEqual(await resolveListenHost('::1'), ['::1']);
  assert.ok((await resolveListenHost('localhost')).includes('127.0.0.1'));
});
