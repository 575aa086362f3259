// gRPC callouts bridged to a real @grpc/grpc-js server (notes §6): service argument rules, unary
// success → on_grpc_receive only, failure → on_grpc_close + proxy_get_status, streams with
// metadata callbacks, resuming a paused stream through proxy_set_effective_context.
import { test, before, after } from 'node:test';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createPlugin } from '../plugin.ts';
import { WasmResult } from '../abi-enums.ts';
import { parseGrpcService } from '../callouts.ts';
import { callbacks, fixture, GET, POST, record } from './helpers.ts';

const wasm = fixture('conformance');
const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
let server: grpc.Server;
let address = '';
const seenMetadata: string[] = [];

before(async () => {
  server = new grpc.Server();
  server.addService(
    {
      Check: {
        path: '/test.Echo/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw.serialize,
        requestDeserialize: raw.deserialize,
        responseSerialize: raw.serialize,
        responseDeserialize: raw.deserialize,
      },
      Watch: {
        path: '/test.Echo/Watch',
        requestStream: true,
        responseStream: true,
        requestSerialize: raw.serialize,
        requestDeserialize: raw.deserialize,
        responseSerialize: raw.serialize,
        responseDeserialize: raw.deserialize,
      },
    },
    {
      Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const text = call.request.toString();
        if (text === 'fail') return cb({ code: grpc.status.PERMISSION_DENIED, details: 'no way' });
        if (text === 'slow') return setTimeout(() => cb(null, Buffer.from('late')), 3000).unref();
        cb(null, Buffer.from(text.toUpperCase()));
      },
      Watch: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        const md = new grpc.Metadata();
        md.set('x-init', 'yes');
        call.sendMetadata(md);
        call.on('data', (d: Buffer) => {
          seenMetadata.push(d.toString());
          call.write(Buffer.from(`pong:${d.toString()}`));
          const trailers = new grpc.Metadata();
          trailers.set('x-trailer', 'bye');
          call.end(trailers);
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});

after(() => server.forceShutdown());

const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
};

test('service argument: a plain cluster name, or a serialized GrpcService with envoy_grpc.cluster_name', () => {
  assert.equal(parseGrpcService(Buffer.from('control_plane')), undefined, 'not protobuf → plain name');
  // GrpcService { envoy_grpc (1) { cluster_name (1): "cp" } }
  assert.deepEqual(parseGrpcService(Uint8Array.of(0x0a, 0x04, 0x0a, 0x02, 0x63, 0x70)), { cluster: 'cp' });
});

test('unary allow: the paused request continues after on_grpc_receive (root context, later turn)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(
    s.requestHeaders(
      GET('/', [
        ['x-mode', 'grpc'],
        ['x-answer', 'allow'],
      ]),
      true,
    ).action,
    'stop',
  );
  await waitFor(() => r.events.length > 0, 'continue');
  assert.deepEqual(r.events, ['request-headers eos']);
  assert.equal(r.requestHeaders?.['x-grpc-rc'], '0');
  const cbs = callbacks(plugin);
  assert.ok(cbs.includes('grpc_receive 1 1 5'), cbs.join('\n'));
  assert.ok(!cbs.some((c) => c.startsWith('grpc_close')), 'success gives on_grpc_receive only');
  await plugin.close();
});

test('unary deny: a local reply sent from the gRPC callback via set_effective_context', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(
    GET('/', [
      ['x-mode', 'grpc'],
      ['x-answer', 'nope'],
    ]),
    true,
  );
  await waitFor(() => r.localReply !== undefined, 'local reply');
  assert.equal(r.localReply?.status, 403);
  assert.equal(r.localReply?.body, 'denied: NOPE');
  await plugin.close();
});

test('unary failure: on_grpc_close only, with the status message from proxy_get_status', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(
    GET('/', [
      ['x-mode', 'grpc'],
      ['x-answer', 'fail'],
    ]),
    true,
  );
  await waitFor(() => r.localReply !== undefined, 'local reply');
  assert.equal(r.localReply?.status, 503);
  assert.ok(plugin.logs.some((l) => l.message === 'grpc status 7 no way'));
  assert.ok(!callbacks(plugin).some((c) => c.startsWith('grpc_receive')));
  await plugin.close();
});

test('body inspection then gRPC decision: Continue headers, buffer body, resume on answer', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'grpc-body']]), false);
  s.requestBody(Buffer.from('al'), false);
  assert.equal(s.requestBody(Buffer.from('low'), true).action, 'stop');
  await waitFor(() => r.events.length > 1, 'body continue');
  assert.deepEqual(r.events, ['request-headers', 'request-data 5 eos']);
  assert.equal(r.requestBody, 'allow');
  await plugin.close();
});

test('unknown plain cluster name → ParseFailure, no token', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'grpc-unknown']]), true);
  assert.equal(Number(r.requestHeaders?.['x-grpc-rc']), WasmResult.ParseFailure);
  await plugin.close();
});

test('stream: initial metadata, message, trailing metadata and close arrive on the root context', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'grpc-stream']]), true);
  assert.equal(r.requestHeaders?.['x-grpc-rc'], '0');
  const token = Number(r.requestHeaders?.['x-grpc-token']);
  assert.equal(token & 3, 2, 'stream tokens are ≡ 2 mod 4');
  await waitFor(() => callbacks(plugin).some((c) => c.startsWith('grpc_close')), 'stream close');
  const cbs = callbacks(plugin).filter((c) => c.startsWith('grpc'));
  assert.deepEqual(
    cbs.map((c) => c.split(' ')[0]),
    ['grpc_initial_metadata', 'grpc_receive', 'grpc_trailing_metadata', 'grpc_close'],
  );
  assert.ok(plugin.logs.some((l) => l.message === 'grpc message pong:ping'));
  assert.deepEqual(seenMetadata.slice(-1), ['ping']);
  s.done();
  await plugin.close();
});

test('a response for a stream that is gone: set_effective_context fails, the filter copes', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } } });
  const s = plugin.newHttpStream();
  s.requestHeaders(
    GET('/', [
      ['x-mode', 'grpc'],
      ['x-answer', 'allow'],
    ]),
    true,
  );
  s.done();
  await waitFor(() => plugin.logs.some((l) => l.message.startsWith('stream gone')), 'callback');
  assert.equal(plugin.failed, false);
  await plugin.close();
});

test('an endless loop in on_grpc_receive (a later turn, from setImmediate) is stopped by the callback deadline and fails the VM', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', grpcClusters: { cp: { address } }, callbackDeadlineMs: 50 });
  const failed = once(plugin, 'vm-failed');
  const s = plugin.newHttpStream();
  s.requestHeaders(
    GET('/', [
      ['x-mode', 'grpc'],
      ['x-answer', 'loop'],
    ]),
    true,
  );
  const [failure] = (await failed) as [{ reason: string }];
  assert.match(failure.reason, /^Function: proxy_on_grpc_receive failed: callback deadline exceeded: ran longer than 50 ms/);
  assert.equal(plugin.metrics.get('wasm.callback_deadline_exceeded'), 1);
  assert.equal(plugin.newHttpStream().requestHeaders(GET(), true).localReply?.status, 503);
  await plugin.close();
});
