// The dev gateway end to end over real sockets: client → gateway (host + conformance fixture) →
// upstream, checking header changes, local replies, body buffering and rewriting, the buffer
// limit, a trapping filter (503, gateway keeps serving), fail-open, and a gRPC-paused request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseGatewayConfig } from '../gateway-config.ts';
import { startGateway, type Gateway } from '../gateway.ts';
import { fixture } from '../../host/test/helpers.ts';

const wasm = fixture('conformance');
let upstream: Server;
let upstreamPort = 0;
const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

before(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      res.end(`echo:${body}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => upstream.close(() => r())));

async function withGateway(
  filter: Record<string, unknown>,
  fn: (gw: Gateway, base: string) => Promise<void>,
  top: Record<string, unknown> = {},
): Promise<void> {
  const config = parseGatewayConfig({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: `127.0.0.1:${upstreamPort}`,
    filter: { wasm, config: 'ok', ...filter },
    ...top,
  });
  const gw = await startGateway(config, { logger: () => {} });
  try {
    await fn(gw, `http://127.0.0.1:${gw.port}`);
  } finally {
    await gw.close();
  }
}

test('headers changed by the filter reach the upstream; response headers are changed too', async () => {
  await withGateway({}, async (_gw, base) => {
    const res = await fetch(`${base}/hello?x=1`, { headers: { 'x-mode': 'continue', 'x-remove': 'bye', 'x-replace': 'old' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'echo:');
    assert.equal(res.headers.get('x-filter'), 'conformance');
    assert.equal(res.headers.get('x-upstream'), 'yes');
    const last = seen.at(-1)!;
    assert.equal(last.url, '/hello?x=1');
    assert.equal(last.headers['x-added'], 'yes');
    assert.equal(last.headers['x-replace'], 'new');
    assert.equal(last.headers['x-remove'], undefined);
    assert.equal(last.headers['x-forwarded-proto'], 'http');
    assert.match(String(last.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});

test('source.address is the peer by default; XFF is appended to, not trusted', async () => {
  await withGateway({}, async (_gw, base) => {
    const res = await fetch(`${base}/p`, { headers: { 'x-mode': 'props', 'x-forwarded-for': '203.0.113.7' } });
    await res.text();
    const last = seen.at(-1)!;
    assert.match(String(last.headers['x-prop-source']), /^127\.0\.0\.1:\d+$/);
    assert.notEqual(last.headers['x-prop-port'], '0');
    assert.equal(last.headers['x-forwarded-for'], '203.0.113.7,127.0.0.1');
  });
});

test('xff_num_trusted_hops 1: source.address is the rightmost XFF address with port 0', async () => {
  await withGateway(
    {},
    async (_gw, base) => {
      const headers = { 'x-mode': 'props', 'x-forwarded-for': '198.51.100.1, 203.0.113.7' };
      await (await fetch(`${base}/p`, { headers })).text();
      assert.equal(seen.at(-1)!.headers['x-prop-source'], '203.0.113.7:0');
      assert.equal(seen.at(-1)!.headers['x-prop-port'], '0');
      assert.equal(seen.at(-1)!.headers['x-forwarded-for'], '198.51.100.1, 203.0.113.7', 'skip_xff_append');
      await (await fetch(`${base}/p`, { headers: { 'x-mode': 'props' } })).text();
      assert.match(String(seen.at(-1)!.headers['x-prop-source']), /^127\.0\.0\.1:\d+$/, 'no XFF: the peer');
    },
    { xff_num_trusted_hops: 1, skip_xff_append: true },
  );
});

test('a local reply answers the client and the upstream never sees the request', async () => {
  await withGateway({}, async (_gw, base) => {
    const before = seen.length;
    const res = await fetch(`${base}/blocked`, { headers: { 'x-mode': 'local' } });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-block'), '1');
    assert.equal(await res.text(), 'denied');
    assert.equal(seen.length, before);
  });
});

test('request body buffered by the filter and rewritten; streamed in chunks', async () => {
  await withGateway({}, async (_gw, base) => {
    const res = await fetch(`${base}/upper`, { method: 'POST', headers: { 'x-mode': 'buffer' }, body: 'hello world' });
    assert.equal(await res.text(), 'echo:HELLO WORLD');
  });
});

test('response body rewritten by the filter', async () => {
  await withGateway({}, async (_gw, base) => {
    const res = await fetch(`${base}/r`, {
      method: 'POST',
      headers: { 'x-mode': 'resp-buffer', 'content-type': 'text/plain' },
      body: 'abc',
    });
    assert.equal(await res.text(), '[echo:abc]');
  });
});

test('request body over the buffer limit → 413, gateway keeps serving', async () => {
  await withGateway({ buffer_limit_bytes: 1024 }, async (gw, base) => {
    const res = await fetch(`${base}/big`, { method: 'POST', headers: { 'x-mode': 'buffer-forever' }, body: 'x'.repeat(4096) });
    assert.equal(res.status, 413);
    await res.text();
    assert.equal(gw.plugin.metrics.get('downstream_rq_too_large'), 1);
    const ok = await fetch(`${base}/after`);
    assert.equal(ok.status, 200);
  });
});

test('a trapping filter: 503 for that request and the next ones (fail closed); the gateway stays up', async () => {
  await withGateway({}, async (gw, base) => {
    const res = await fetch(`${base}/t`, { headers: { 'x-mode': 'trap' } });
    assert.equal(res.status, 503);
    await res.text();
    const next = await fetch(`${base}/n`);
    assert.equal(next.status, 503);
    await next.text();
    assert.equal(gw.plugin.failed, true);
  });
});

test('fail_open: a trapping filter is bypassed', async () => {
  await withGateway({ fail_open: true }, async (_gw, base) => {
    const res = await fetch(`${base}/t`, { headers: { 'x-mode': 'trap' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'echo:');
  });
});

test('an endless loop in the filter: fail_open passes that request and the next; the gateway keeps serving', async () => {
  await withGateway({ fail_open: true, loop_budget: 100_000 }, async (gw, base) => {
    const before = seen.length;
    const looped = await fetch(`${base}/loop`, { headers: { 'x-mode': 'loop' } });
    assert.equal(looped.status, 200);
    assert.equal(await looped.text(), 'echo:');
    assert.equal(gw.plugin.metrics.get('wasm.loop_budget_exhausted'), 1);
    const next = await fetch(`${base}/after`);
    assert.equal(next.status, 200);
    await next.text();
    assert.equal(seen.length, before + 2);
  });
});

test('an endless loop stopped by the callback deadline: 503 to that request and the next; the gateway keeps serving', async () => {
  await withGateway({ callback_deadline_ms: 50 }, async (gw, base) => {
    const looped = await fetch(`${base}/loop`, { headers: { 'x-mode': 'loop' } });
    assert.equal(looped.status, 503);
    await looped.text();
    assert.equal(gw.plugin.metrics.get('wasm.callback_deadline_exceeded'), 1);
    const next = await fetch(`${base}/after`);
    assert.equal(next.status, 503);
    await next.text();
  });
});

test('several workers share data: the CAS counter counts every request', async () => {
  await withGateway({ workers: 3 }, async (_gw, base) => {
    for (let i = 0; i < 6; i++) (await fetch(`${base}/c`, { headers: { 'x-mode': 'shared' } })).body?.cancel();
    const res = await fetch(`${base}/c`, { headers: { 'x-mode': 'shared' } });
    await res.text();
    assert.equal(seen.at(-1)!.headers['x-hits'], '7');
  });
});

test('gateway config: unknown fields and bad values are refused with the field named', () => {
  assert.throws(
    () => parseGatewayConfig({ upstream: '127.0.0.1:1', filter: { wasm: 'x.wasm', workerz: 2 } }),
    /field `filter.workerz` is not a known setting/,
  );
  assert.throws(() => parseGatewayConfig({ upstream: 'nope', filter: { wasm: 'x.wasm' } }), /field `upstream` must be host:port/);
  assert.throws(
    () => parseGatewayConfig({ upstream: '127.0.0.1:1', filter: { wasm: 'x.wasm', workers: 0 } }),
    /field `filter.workers` must be an integer from 1 to 64/,
  );
  assert.throws(
    () => parseGatewayConfig({ upstream: '127.0.0.1:1', filter: { wasm: 'x.wasm', callback_deadline_ms: '1s' } }),
    /field `filter.callback_deadline_ms` must be an integer from 0 to 3600000/,
  );
  assert.throws(
    () => parseGatewayConfig({ upstream: '127.0.0.1:1', filter: { wasm: 'x.wasm', callback_deadline_ms: 500, loop_budget: 1000 } }),
    /field `filter.loop_budget` cannot be given with filter.callback_deadline_ms/,
  );
  assert.throws(
    () => parseGatewayConfig({ upstream: '127.0.0.1:1', filter: { wasm: 'x.wasm' }, xff_num_trusted_hops: -1 }),
    /field `xff_num_trusted_hops` must be an integer from 0 to 64/,
  );
  const c = parseGatewayConfig(
    {
      upstream: 'http://localhost:9000',
      filter: { wasm: 'x.wasm', config: { mode: 'monitor' } },
      grpc_clusters: { control_plane: '127.0.0.1:50051' },
    },
    '/base',
  );
  assert.equal(c.filter.config, '{"mode":"monitor"}', 'an object config is serialized to JSON (Envoy Struct → JSON)');
  assert.equal(c.filter.wasm, '/base/x.wasm');
  assert.deepEqual(c.grpcClusters.control_plane, { address: '127.0.0.1:50051', tls: false });
  assert.deepEqual(c.upstream, { host: 'localhost', port: 9000 });
});

test('the example configuration file parses and names a real filter', async () => {
  const { loadGatewayConfig } = await import('../gateway-config.ts');
  const c = loadGatewayConfig('wasm-filter/gateway/gateway.example.yaml');
  assert.match(c.filter.wasm, /wasm-filter\/build\/palisade\.wasm$/);
  assert.equal(JSON.parse(c.filter.config).gateway_kind, 'dev');
  assert.equal(c.grpcClusters.control_plane?.address, '127.0.0.1:50051');
});

test('upstream unreachable → 503 through the filter (x-filter added on the way back)', async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const gw = await startGateway(
    parseGatewayConfig({ listen: { port: 0 }, upstream: `127.0.0.1:${port}`, filter: { wasm, config: 'ok' } }),
    { logger: () => {} },
  );
  try {
    const res = await fetch(`http://127.0.0.1:${gw.port}/x`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('x-filter'), 'conformance');
    await res.text();
  } finally {
    await gw.close();
  }
});

test('main.ts refuses a bad config file with exit code 1 and a JSON reason', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'gw-')), 'bad.json');
  writeFileSync(file, JSON.stringify({ upstream: '127.0.0.1:1', filter: { wasm: wasm, config: 'fail' }, listen: { port: 0 } }));
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'wasm-filter/gateway/main.ts', '--config', file], {
    encoding: 'utf8',
    timeout: 30000,
  });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /"code":"configure"/);
});
