// The host calls and callbacks the conformance fixture does not reach, driven by the `hostcalls`
// fixture against real sockets: an HTTP upstream for proxy_http_call and a @grpc/grpc-js server for
// gRPC cancel/close. Each test names the call and the Envoy/cpp-host answer it checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { createPlugin, type Plugin } from '../plugin.ts';
import { WasmResult } from '../abi-enums.ts';
import type { HttpStream, StepResult } from '../http-stream.ts';
import { fixture, GET, POST, record, type Recorded } from './helpers.ts';

const wasm = fixture('hostcalls');
const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const method = (path: string, stream: boolean) => ({
  path,
  requestStream: stream,
  responseStream: stream,
  requestSerialize: raw.serialize,
  requestDeserialize: raw.deserialize,
  responseSerialize: raw.serialize,
  responseDeserialize: raw.deserialize,
});
let grpcServer: grpc.Server;
let grpcAddress = '';
let web: Server;
let webAddress = '';
const serverSaw: string[] = [];

before(async () => {
  grpcServer = new grpc.Server();
  grpcServer.addService(
    { Slow: method('/t.S/Slow', false), Open: method('/t.S/Open', true) },
    {
      // Never answers: the filter cancels it.
      Slow: () => undefined,
      // Ends the stream with OK once the client half-closes.
      Open: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        call.on('data', (d: Buffer) => serverSaw.push(`open data ${d.toString()}`));
        call.on('end', () => {
          serverSaw.push('open half-closed');
          call.end();
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  grpcAddress = `127.0.0.1:${port}`;
  web = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      serverSaw.push(`web ${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
      res.end('pong');
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webAddress = `127.0.0.1:${(web.address() as AddressInfo).port}`;
});

after(() => {
  grpcServer.forceShutdown();
  web.close();
});

const hc = (plugin: Plugin) => plugin.logs.filter((l) => l.message.startsWith('hc ')).map((l) => l.message.slice(3));
const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
};
const start = (options: { pluginConfig?: string } = {}) =>
  createPlugin({
    wasm,
    pluginConfig: options.pluginConfig ?? 'ok',
    vmConfig: 'hello',
    env: { MODE: 'enforce' },
    grpcClusters: { cp: { address: grpcAddress, tls: false } },
    httpClusters: { web: { address: webAddress, tls: false } },
  });

/** A plugin and one recorded stream whose request headers carry `x-op: op`. */
async function withOp(op: string, fn: (plugin: Plugin, s: HttpStream, r: Recorded, result: StepResult) => Promise<void> | void) {
  const plugin = await start();
  const s = plugin.newHttpStream();
  const r = record(s);
  const result = s.requestHeaders(GET('/p', [['x-op', op]]), true);
  try {
    await fn(plugin, s, r, result);
  } finally {
    await plugin.close();
  }
}

test('malloc is preferred over proxy_on_memory_allocate; WASI and env extras answer as cpp-host does', async () => {
  const plugin = await start();
  assert.equal(plugin.failed, false, 'proxy_on_memory_allocate traps: the host must have used malloc');
  const start_ = plugin.logs.find((l) => l.message.includes('fixture start via fd_write'));
  assert.equal(start_?.level, 'info', 'fd_write to fd 1 logs at info, allowed during _initialize');
  assert.deepEqual(hc(plugin).slice(0, 7), [
    'vm_config hello',
    'env MODE=enforce',
    'args 0 0',
    'clock 0 now',
    'random 0 28', // over 64 KiB → EINVAL (limits.h)
    'pthread_equal 1 0',
    'malloc used yes',
  ]);
  await plugin.close();
});

test('shared queue resolve with an empty vm_id finds ours, another vm_id → NotFound; record/get metric', async () => {
  const plugin = await start();
  assert.ok(hc(plugin).includes(`resolve same ${WasmResult.NotFound}`), hc(plugin).join('\n'));
  // gauge: record 42 then increment -2; get on a histogram → NotFound; increment a histogram → BadArgument.
  assert.ok(hc(plugin).includes(`metrics gauge 40 hist_get ${WasmResult.NotFound} hist_increment ${WasmResult.BadArgument}`));
  assert.equal(plugin.metrics.get('hc_gauge'), 40);
  assert.equal(plugin.metrics.get('hc_counter'), 5, 'record on a counter adds');
  assert.deepEqual(plugin.metrics.snapshot().find((m) => m.name === 'hc_hist')?.samples, [7n]);
  await plugin.close();
});

test('get_header_map_pairs returns the serialized map; set_header_map_pairs replaces the whole map', async () => {
  const plugin = await start();
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/p', [['x-op', 'pairs']]), true);
  assert.equal(r.requestHeaders?.['x-pair-count'], '5');
  assert.equal(r.requestHeaders?.['x-count-arg'], '5');
  // 4 + 5 × 8 + names and values each NUL-terminated.
  const expected =
    4 +
    5 * 8 +
    [':method', 'GET', ':path', '/p', ':authority', 'example.test', ':scheme', 'http', 'x-op', 'pairs'].reduce(
      (n, t) => n + t.length + 1,
      0,
    );
  assert.equal(r.requestHeaders?.['x-pair-bytes'], String(expected));
  s.done();
  const t = plugin.newHttpStream();
  const rt = record(t);
  t.requestHeaders(GET('/p', [['x-op', 'set-pairs']]), true);
  t.responseHeaders(
    [
      [':status', '200'],
      ['x-upstream', 'gone'],
    ],
    true,
  );
  assert.deepEqual(rt.responseHeaders, { ':status': '201', 'x-set': 'pairs' });
  assert.ok(hc(plugin).includes('set_pairs 0'));
  await plugin.close();
});

test('set_property then get_property on the stream context; request.method', () =>
  withOp('property', (_plugin, _s, r) => {
    assert.equal(r.requestHeaders?.['x-set-rc'], '0');
    assert.equal(r.requestHeaders?.['x-prop-tag'], 't1');
    assert.equal(r.requestHeaders?.['x-prop-method'], 'GET');
  }));

test('proxy_http_call: answer on the root context (maps 6/7, buffer 4), the paused request resumed', () =>
  withOp('http', async (plugin, _s, r, result) => {
    assert.equal(result.action, 'stop');
    assert.equal(r.requestHeaders, undefined);
    await waitFor(() => r.requestHeaders !== undefined, 'the resumed request');
    // Unknown cluster and a request without :path → BadArgument, no token.
    assert.equal(r.requestHeaders?.['x-http-rc'], `0 ${WasmResult.BadArgument} ${WasmResult.BadArgument}`);
    assert.equal(r.requestHeaders?.['x-http-status'], '200');
    assert.equal(r.requestHeaders?.['x-http-body'], 'pong');
    assert.ok(serverSaw.includes('web POST /hi ping'));
    assert.ok(
      hc(plugin).some((l) => /^http_response 4 \d+ 4 0$/.test(l)),
      hc(plugin).join('\n'),
    );
  }));

test('proxy_grpc_cancel: Ok, then NotFound; no callback arrives, not even the deadline close', () =>
  withOp('grpc-cancel', async (plugin, _s, r) => {
    assert.equal(r.requestHeaders?.['x-cancel'], `0 ${WasmResult.NotFound}`);
    // The call had a 150 ms deadline: uncancelled, on_grpc_close(4) would arrive by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.ok(!hc(plugin).some((l) => l.startsWith('grpc_')), 'no callbacks after cancel');
  }));

test('proxy_grpc_close half-closes a stream: send after it → BadArgument; the remote close → on_grpc_close', () =>
  withOp('grpc-close', async (plugin, _s, r) => {
    assert.equal(r.requestHeaders?.['x-close'], `0 0 ${WasmResult.BadArgument}`);
    const token = r.requestHeaders?.['x-token'];
    await waitFor(() => hc(plugin).includes(`grpc_close ${token} 0`), 'on_grpc_close after the server ended the stream');
    assert.ok(serverSaw.includes('open data hello') && serverSaw.includes('open half-closed'));
  }));

test('an allocator answering a pointer outside memory, or 0, makes the hostcall InvalidMemoryAccess', () =>
  withOp('bad-malloc', (plugin, _s, r) => {
    assert.equal(r.requestHeaders?.['x-malloc-rc'], `${WasmResult.InvalidMemoryAccess} ${WasmResult.InvalidMemoryAccess}`);
    assert.equal(plugin.failed, false, 'a bad allocation is an error code, not a trap');
  }));

test('proxy_close_stream resets the stream (bad stream type → BadArgument)', () =>
  withOp('close-stream', (plugin, _s, r, result) => {
    assert.equal(result.action, 'reset');
    assert.ok(r.events.some((e) => e.startsWith('reset')));
    assert.ok(hc(plugin).includes(`close_stream 0 ${WasmResult.BadArgument}`));
  }));

test('call_foreign_function with an unknown name → NotFound; proxy_done on a stream → NotFound', () =>
  withOp('foreign', (_plugin, _s, r) => {
    assert.equal(r.requestHeaders?.['x-foreign'], String(WasmResult.NotFound));
    assert.equal(r.requestHeaders?.['x-done'], String(WasmResult.NotFound));
  }));

test('get_buffer_status: body length and flags 0; bad type → BadArgument, absent buffer → NotFound', async () => {
  const plugin = await start();
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/p', [['x-op', 'body']]), false);
  s.requestBody(Buffer.from('abcdef'), true);
  assert.ok(hc(plugin).includes('buffer_status 0 6 0'));
  assert.ok(hc(plugin).includes(`buffer_status_bad ${WasmResult.BadArgument} ${WasmResult.NotFound}`));
  assert.equal(r.requestBody, 'pre-abcdef', 'set_buffer_bytes(start 0, length 0) prepends');
  await plugin.close();
});

test('trailer maps: request trailers replaced, added and removed; response trailers changed', async () => {
  const plugin = await start();
  const s = plugin.newHttpStream();
  const trailers: Record<string, string>[] = [];
  s.on('request-trailers', (t) => trailers.push(t.toObject()));
  s.on('response-trailers', (t) => trailers.push(t.toObject()));
  s.requestHeaders(POST('/p'), false);
  s.requestBody(Buffer.from('x'), false);
  s.requestTrailers([
    ['x-t', 'orig'],
    ['x-gone', '1'],
  ]);
  s.responseHeaders([[':status', '200']], false);
  s.responseBody(Buffer.from('y'), false);
  s.responseTrailers([['grpc-status', '13']]);
  assert.deepEqual(trailers, [
    { 'x-t': 'changed-from-orig', 'x-added-trailer': 'yes' },
    { 'grpc-status': '0', 'x-resp-trailer': '1' },
  ]);
  await plugin.close();
});

test('a root context whose on_done returns false lives until proxy_done, then on_delete runs', async () => {
  const plugin = await start({ pluginConfig: 'defer-done' });
  const vm = plugin.workers[0]!;
  await plugin.close();
  assert.ok(hc(plugin).includes('root done deferred'));
  assert.ok(!hc(plugin).includes('root deleted'));
  vm.tick(vm.root.id); // the fixture calls proxy_done from its tick
  assert.ok(hc(plugin).includes('proxy_done 0'));
  assert.ok(hc(plugin).includes('root deleted'));
});
