// Body delivery as Envoy does it (notes §4): chunks, cumulative size while buffering, buffer
// limit → 413/500, Pause on headers holding the body until continue, body rewriting, trailers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin } from '../plugin.ts';
import { callbacks, fixture, POST, record } from './helpers.ts';

const wasm = fixture('conformance');
const b = (s: string) => Buffer.from(s);

test('StopIterationAndBuffer: the filter sees the cumulative size and rewrites the whole body at eos', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(s.requestHeaders(POST('/', [['x-mode', 'buffer']]), false).action, 'continue');
  assert.equal(s.requestBody(b('abc'), false).action, 'stop');
  assert.equal(s.requestBody(b('def'), false).action, 'stop');
  assert.equal(s.requestBody(b('gh'), true).action, 'continue');
  assert.deepEqual(
    callbacks(plugin).filter((c) => c.startsWith('request_body')),
    ['request_body 2 3 0', 'request_body 2 6 0', 'request_body 2 8 1'],
  );
  assert.equal(r.requestBody, 'ABCDEFGH');
  assert.deepEqual(r.events, ['request-headers', 'request-data 8 eos']);
  await plugin.close();
});

test('without buffering each chunk is passed on as it comes (size = this chunk)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'append']]), false);
  s.requestBody(b('ab'), false);
  s.requestBody(b('cd'), true);
  assert.equal(r.requestBody, 'ab!cd!');
  assert.deepEqual(r.events, ['request-headers', 'request-data 3', 'request-data 3 eos']);
  await plugin.close();
});

test('buffer limit exceeded while buffering the request → 413 without calling the filter again', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', bufferLimitBytes: 10 });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'buffer-forever']]), false);
  s.requestBody(b('123456'), false);
  const result = s.requestBody(b('7890123'), false);
  assert.equal(result.action, 'local-reply');
  assert.equal(r.localReply?.status, 413);
  assert.equal(r.localReply?.details, 'request_payload_too_large');
  assert.equal(callbacks(plugin).filter((c) => c.startsWith('request_body')).length, 1);
  assert.equal(plugin.metrics.get('downstream_rq_too_large'), 1);
  await plugin.close();
});

test('response buffer limit exceeded after the headers went out → stream reset (Envoy rs_too_large)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', bufferLimitBytes: 4, allowOnHeadersStopIteration: true });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'resp-buffer']]), true);
  s.responseHeaders([[':status', '200']], false);
  // Headers continued (the fixture returns Continue) so the limit hits after they were sent: reset.
  s.responseBody(b('123'), false);
  s.responseBody(b('456'), false);
  assert.ok(
    r.events.some((e) => e.startsWith('reset')),
    r.events.join(),
  );
  assert.equal(plugin.metrics.get('rs_too_large'), 1);
  await plugin.close();
});

test('response buffer limit exceeded while the headers are held → local reply 500 (Envoy rs_too_large)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', bufferLimitBytes: 4, allowOnHeadersStopIteration: true });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'resp-hold']]), true);
  assert.equal(s.responseHeaders([[':status', '200']], false).action, 'stop');
  assert.equal(s.responseBody(b('123'), false).action, 'stop');
  const result = s.responseBody(b('456'), false);
  assert.equal(result.action, 'local-reply');
  assert.equal(result.localReply?.status, 500);
  assert.equal(result.localReply?.details, 'response_payload_too_large');
  assert.ok(!r.events.includes('response-headers'), 'the upstream headers never went out');
  assert.equal(plugin.metrics.get('rs_too_large'), 1);
  await plugin.close();
});

test('response body rewrite while buffering', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'resp-buffer']]), true);
  s.responseHeaders([[':status', '200']], false);
  s.responseBody(b('hel'), false);
  s.responseBody(b('lo'), true);
  assert.equal(r.responseBody, '[hello]');
  assert.equal(r.responseHeaders?.['x-filter'], 'conformance');
  await plugin.close();
});

test('Pause on request headers = StopAllIteration: no body callbacks until proxy_continue_stream', async () => {
  // The fixture pauses headers and asks a (fake) control plane; the answer continues the stream.
  let answer: (() => void) | undefined;
  const plugin = await createPlugin({
    wasm,
    pluginConfig: 'ok',
    transport: {
      hasCluster: (n) => n === 'cp',
      grpcCall: (_c, _p, _md, msg, _t, events) => {
        answer = () => events.onMessage(msg);
        return { cancel() {} };
      },
      grpcStream: () => ({ send() {}, close() {}, cancel() {} }),
      httpCall: () => ({ cancel() {} }),
    },
  });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(
    s.requestHeaders(
      POST('/', [
        ['x-mode', 'grpc'],
        ['x-answer', 'allow'],
      ]),
      false,
    ).action,
    'stop',
  );
  assert.equal(s.requestBody(b('part1'), false).action, 'stop');
  assert.equal(s.requestBody(b('part2'), true).action, 'stop');
  assert.deepEqual(
    callbacks(plugin).filter((c) => c.startsWith('request_body')),
    [],
    'body held by Envoy, not delivered',
  );
  assert.deepEqual(r.events, []);
  const continued = new Promise((resolve) => s.once('request-data', resolve));
  answer!();
  await continued;
  assert.deepEqual(r.events, ['request-headers', 'request-data 10 eos']);
  assert.deepEqual(
    callbacks(plugin).filter((c) => c.startsWith('request_body')),
    ['request_body 2 10 1'],
    'held data goes to the filter first',
  );
  assert.equal(r.requestBody, 'part1part2');
  await plugin.close();
});

test('allow_on_headers_stop_iteration: Pause holds headers but body callbacks still run', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', allowOnHeadersStopIteration: true });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(s.requestHeaders(POST('/', [['x-mode', 'pause']]), false).action, 'stop');
  assert.equal(s.requestBody(b('xy'), true).action, 'continue');
  assert.deepEqual(r.events, ['request-headers', 'request-data 2 eos'], 'body Continue releases the held headers');
  await plugin.close();
});

test('StopIterationNoBuffer drops the chunk (the filter owns it)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST('/', [['x-mode', 'nobuffer']]), false);
  assert.equal(s.requestBody(b('abc'), true).action, 'stop');
  assert.equal(r.requestBody, '');
  await plugin.close();
});

test('trailers: last body call has eos=0, then on_request_trailers', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(POST(), false);
  s.requestBody(b('x'), false);
  s.requestTrailers([['grpc-status', '0']]);
  assert.deepEqual(r.events, ['request-headers', 'request-data 1', 'request-trailers']);
  assert.ok(callbacks(plugin).includes('request_trailers 2 1 0'));
  await plugin.close();
});
