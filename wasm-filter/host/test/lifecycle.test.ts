// Lifecycle order, header changes, local replies and hostcall results, checked against what Envoy
// and cpp-host do (notes §2.3-§2.4, §3.1, §5) with the conformance fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin } from '../plugin.ts';
import { WasmResult } from '../abi-enums.ts';
import { callbacks, fixture, GET, POST, record } from './helpers.ts';

const wasm = fixture('conformance');

test('root start order: context_create(R,0) → vm_start → configure; stream ends log → done → delete', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', vmConfig: 'vmcfg' });
  const s = plugin.newHttpStream();
  s.requestHeaders(GET(), true);
  s.responseHeaders([[':status', '200']], true);
  s.done();
  assert.deepEqual(callbacks(plugin), [
    'context_create 1 0 0',
    'vm_start 1 5 0',
    'configure 1 2 0',
    'context_create 2 1 0',
    'request_headers 2 4 1',
    'response_headers 2 1 1',
    'log 2 0 0',
    'done 2 0 0',
    'delete 2 0 0',
  ]);
  await plugin.close();
});

test('context ids grow and are never reused; each worker VM has its own root', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', workers: 2 });
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) {
    const s = plugin.newHttpStream({ worker: 0 });
    ids.push(s.id);
    s.requestHeaders(GET(), true);
    s.done();
  }
  assert.deepEqual(ids, [2, 3, 4, 5]);
  assert.equal(plugin.workers.length, 2);
  assert.equal(callbacks(plugin).filter((c) => c.startsWith('configure')).length, 2);
  await plugin.close();
});

test('header add/replace/remove are visible to the upstream; get_header_map_size is byteSize()', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  const headers = GET('/', [
    ['x-mode', 'continue'],
    ['x-replace', 'old'],
    ['x-remove', 'gone'],
  ]);
  const result = s.requestHeaders(headers, true);
  assert.equal(result.action, 'continue');
  // Sum of name+value bytes after the changes: +x-added:yes, x-replace same length, -x-remove:gone.
  const byteSize = headers.reduce((n, [k, v]) => n + k.length + v.length, 0) + 'x-added'.length + 3 - 'x-remove'.length - 4;
  assert.equal(r.requestHeaders?.['x-added'], 'yes');
  assert.equal(r.requestHeaders?.['x-replace'], 'new');
  assert.equal(r.requestHeaders?.['x-remove'], undefined);
  assert.equal(r.requestHeaders?.['x-size'], String(byteSize));
  await plugin.close();
});

test('send_local_response is applied after the callback and overrides its Continue', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  const result = s.requestHeaders(GET('/', [['x-mode', 'local']]), true);
  assert.equal(result.action, 'local-reply');
  assert.equal(result.localReply?.status, 403);
  assert.deepEqual(r.events, ['local-reply 403'], 'the request never reaches the upstream');
  // :status first, the filter's headers, then content-length and content-type (Envoy order);
  // the reply passes through this filter's response callbacks, which add x-filter.
  assert.deepEqual(result.localReply?.headers, [
    ['x-block', '1'],
    ['content-length', '6'],
    ['content-type', 'text/plain'],
    ['x-filter', 'conformance'],
  ]);
  assert.equal(r.localReply?.body, 'denied');
  assert.equal(r.localReply?.details, 'blocked_by_fixture', 'whitespace in details becomes _');
  await plugin.close();
});

test('gRPC-style local reply: :status 200, grpc-status and grpc-message, no body', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const result = s.requestHeaders(GET('/', [['x-mode', 'grpc-local']]), true);
  const h = Object.fromEntries(result.localReply!.headers);
  assert.equal(result.localReply?.status, 200);
  assert.equal(h['grpc-status'], '7');
  assert.equal(h['grpc-message'], 'nope');
  assert.equal(result.localReply?.body.length, 0);
  await plugin.close();
});

test('a local reply from response headers replaces the upstream response', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'resp-local']]), true);
  const result = s.responseHeaders([[':status', '200']], false);
  assert.equal(result.action, 'local-reply');
  assert.equal(r.localReply?.status, 502);
  assert.ok(!r.events.includes('response-headers'));
  await plugin.close();
});

test('properties: request.path, source.address/port (int64 LE), plugin_name; unknown → NotFound', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', name: 'inspector' });
  const s = plugin.newHttpStream({ sourceAddress: '192.0.2.7:40123' });
  const r = record(s);
  s.requestHeaders(GET('/a/b?c=1', [['x-mode', 'props']]), true);
  assert.equal(r.requestHeaders?.['x-prop-path'], '/a/b?c=1');
  assert.equal(r.requestHeaders?.['x-prop-source'], '192.0.2.7:40123');
  assert.equal(r.requestHeaders?.['x-prop-port'], '40123');
  assert.equal(r.requestHeaders?.['x-prop-plugin'], 'inspector');
  assert.equal(r.requestHeaders?.['x-prop-missing'], 'notfound');
  assert.equal(r.requestHeaders?.['x-prop-upstream'], 'notfound', 'no upstream before the proxy connects');
  await plugin.close();
});

test('properties: upstream.address is the connected upstream as a string, upstream.port int64 LE', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream({ sourceAddress: '192.0.2.7:40123' });
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'props']]), true);
  s.upstreamConnected('[2001:db8::5]:8443');
  s.responseHeaders([[':status', '200']], true);
  assert.equal(r.responseHeaders?.['x-prop-upstream'], '[2001:db8::5]:8443');
  assert.equal(r.responseHeaders?.['x-prop-upstream-port'], '8443');
  await plugin.close();
});

test('properties: upstream.address is absent (NotFound) when no upstream was connected', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'props']]), true);
  s.responseHeaders([[':status', '503']], true);
  assert.equal(r.responseHeaders?.['x-prop-upstream'], '-');
  assert.equal(r.responseHeaders?.['x-prop-upstream-port'], '-');
  await plugin.close();
});

test('bad calls return the WasmResult Envoy returns', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', logLevel: 'debug' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'badptr']]), true);
  const h = r.requestHeaders!;
  assert.equal(Number(h['x-rc-log']), WasmResult.InvalidMemoryAccess, 'pointer past memory');
  assert.equal(Number(h['x-rc-level']), WasmResult.BadArgument, 'log level > 5');
  assert.equal(Number(h['x-rc-map']), WasmResult.BadArgument, 'map type > 7');
  assert.equal(Number(h['x-rc-missing']), WasmResult.NotFound, 'absent header');
  assert.equal(Number(h['x-rc-resp']), WasmResult.BadArgument, 'response headers not available yet');
  assert.equal(Number(h['x-rc-buf']), WasmResult.NotFound, 'no body in a headers callback');
  assert.equal(Number(h['x-rc-buftype']), WasmResult.BadArgument, 'buffer type > 8');
  assert.equal(Number(h['x-rc-cfg']), WasmResult.NotFound, 'plugin configuration only inside on_configure');
  assert.equal(Number(h['x-rc-ctx']), WasmResult.BadArgument, 'set_effective_context on an unknown id');
  assert.equal(Number(h['x-rc-time']), WasmResult.Ok);
  assert.equal(h['x-log-level'], '1', 'proxy_get_log_level answers the configured level');
  assert.equal(plugin.failed, false, 'bad arguments never fail the VM');
  await plugin.close();
});

test('on_configure returning false refuses the plugin (Envoy rejects the config)', async () => {
  await assert.rejects(createPlugin({ wasm, pluginConfig: 'fail' }), { code: 'configure', message: /proxy_on_configure returned false/ });
  await assert.rejects(createPlugin({ wasm, pluginConfig: 'ok', vmConfig: 'fail-vm' }), { code: 'vm-start' });
});

test('metrics defined by the filter are shared by name across workers', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', workers: 2 });
  for (let i = 0; i < 3; i++) {
    const s = plugin.newHttpStream();
    s.requestHeaders(POST(), true);
    s.done();
  }
  assert.equal(plugin.metrics.get('fixture_requests'), 3);
  await plugin.close();
});

test('shared data CAS: counter shared by every worker; a stale cas is CasMismatch', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', workers: 2 });
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    const s = plugin.newHttpStream();
    const r = record(s);
    s.requestHeaders(GET('/', [['x-mode', 'shared']]), true);
    seen.push(r.requestHeaders!['x-hits']!);
    assert.equal(Number(r.requestHeaders!['x-stale-cas']), WasmResult.CasMismatch);
  }
  assert.deepEqual(seen, ['1', '2', '3', '4']);
  assert.equal(Buffer.from(plugin.sharedData.get('palisade', 'hits')!.value).toString(), '4');
  await plugin.close();
});

test('shared queue: enqueue from a stream → on_queue_ready on the registering root, on a later turn', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'queue']]), true);
  assert.equal(r.requestHeaders?.['x-rc-enqueue'], '0');
  assert.ok(!plugin.logs.some((l) => l.message === 'queue item hello'), 'not delivered re-entrantly');
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(plugin.logs.some((l) => l.message === 'queue item hello'));
  await plugin.close();
});

test('shared queue across workers: enqueued on worker 0, delivered to the last registering VM (worker 1)', async () => {
  // cpp-host registerQueue: a second register of the same (vm_id, name) keeps the items and the
  // token and makes the new registrant the one notified.
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', workers: 2 });
  const s = plugin.newHttpStream({ worker: 0 });
  const r = record(s);
  s.requestHeaders(GET('/', [['x-mode', 'queue']]), true);
  assert.equal(r.requestHeaders?.['x-rc-enqueue'], '0');
  await new Promise((resolve) => setImmediate(resolve));
  const delivered = plugin.logs.filter((l) => l.message === 'queue item hello');
  assert.deepEqual(
    delivered.map((l) => [l.worker, l.contextId]),
    [[1, plugin.workers[1]!.root.id]],
  );
  await plugin.close();
});

test('ticks: proxy_on_tick on the root of every worker', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'tick', workers: 2, manualTicks: true });
  plugin.tick();
  plugin.tick();
  assert.equal(callbacks(plugin).filter((c) => c.startsWith('tick 1')).length, 4);
  await plugin.close();
});

test('ticks run from timers unless manual', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'tick' });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.ok(callbacks(plugin).filter((c) => c.startsWith('tick')).length >= 2);
  await plugin.close();
});
