// Bad modules and failing VMs (notes §1.1, §2.1, §8): refused at load with Envoy's messages, or a
// failed VM answering 503 wasm_fail_stream (fail-closed) / bypassed (fail-open), host unharmed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin } from '../plugin.ts';
import { fixture, GET, record } from './helpers.ts';

const wasm = fixture('conformance');

/** A module with the given function imports and exports (all `() -> ()` unless typed). */
function module(opts: { imports?: [string, string, number[], number[]][]; exports?: string[] }): Uint8Array {
  const enc = new TextEncoder();
  const vec = (items: number[][]) => [items.length, ...items.flat()];
  const str = (s: string) => [enc.encode(s).length, ...enc.encode(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const imports = opts.imports ?? [];
  const exports = opts.exports ?? [];
  const types = vec([[0x60, 0, 0], ...imports.map(([, , p, r]) => [0x60, ...vec(p.map((x) => [x])), ...vec(r.map((x) => [x]))])]);
  const imps = vec(imports.map(([m, n], i) => [...str(m), ...str(n), 0x00, i + 1]));
  const funcs = vec(exports.map(() => [0]));
  const exps = vec(exports.map((e, i) => [...str(e), 0x00, imports.length + i]));
  const code = vec(exports.map(() => [2, 0, 0x0b]));
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, types),
    ...(imports.length ? section(2, imps) : []),
    ...section(3, funcs),
    ...section(7, exps),
    ...section(10, code),
  ]);
}

test("a module importing env.abort is refused with Envoy's message", async () => {
  const bytes = module({ imports: [['env', 'abort', [0x7f, 0x7f, 0x7f, 0x7f], []]], exports: ['proxy_abi_version_0_2_1'] });
  await assert.rejects(createPlugin({ wasm: bytes }), {
    code: 'link',
    message: 'Failed to load Wasm module due to a missing import: env.abort',
  });
});

test('an import type mismatch is refused', async () => {
  const bytes = module({ imports: [['env', 'proxy_log', [0x7f], [0x7f]]], exports: ['proxy_abi_version_0_2_1'] });
  await assert.rejects(createPlugin({ wasm: bytes }), { code: 'link', message: /import type mismatch: env\.proxy_log/ });
});

test('a module without the ABI version export is refused', async () => {
  await assert.rejects(createPlugin({ wasm: module({ exports: ['_start'] }) }), {
    code: 'abi-version',
    message: /Missing or unknown Proxy-Wasm ABI version/,
  });
});

test('a module without malloc / proxy_on_memory_allocate is refused', async () => {
  await assert.rejects(createPlugin({ wasm: module({ exports: ['proxy_abi_version_0_2_1'] }) }), { code: 'no-memory' });
});

test('a callback export with the wrong signature is refused ("Bad function signature")', async () => {
  await assert.rejects(createPlugin({ wasm: module({ exports: ['proxy_abi_version_0_2_1', 'proxy_on_request_headers'] }) }), {
    code: 'bad-signature',
    message: 'Bad function signature for: proxy_on_request_headers',
  });
});

test('not wasm at all is a clear error', async () => {
  await assert.rejects(createPlugin({ wasm: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }), { code: 'link' });
});

test('a hostcall other than logging during _initialize fails the VM start (restricted_callback)', async () => {
  await assert.rejects(createPlugin({ wasm: fixture('start-restricted') }), {
    code: 'start',
    message: /restricted_callback: proxy_set_tick_period_milliseconds/,
  });
});

test('a trap fails that request with 503 wasm_fail_stream and every later one (fail closed)', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const failures: unknown[] = [];
  plugin.on('vm-failed', (f) => failures.push(f));
  const s = plugin.newHttpStream();
  const r = record(s);
  const result = s.requestHeaders(GET('/', [['x-mode', 'trap']]), true);
  assert.equal(result.action, 'local-reply');
  assert.equal(r.localReply?.status, 503);
  assert.equal(r.localReply?.details, 'wasm_fail_stream');
  assert.equal(r.localReply?.body, '');
  s.done();
  assert.equal(plugin.failed, true);
  assert.equal(failures.length, 1);
  assert.match(plugin.workers[0]!.failure ?? '', /proxy_on_request_headers failed: Uncaught RuntimeError: unreachable/);
  const next = plugin.newHttpStream();
  assert.equal(next.requestHeaders(GET(), true).localReply?.status, 503, 'the failure is sticky');
  assert.equal(plugin.metrics.get('wasm.vm_failed'), 1);
  assert.equal(plugin.metrics.get('wasm.fail_closed'), 2);
  await plugin.close();
});

test('fail_open: a failed VM is bypassed and counted', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', failOpen: true });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(s.requestHeaders(GET('/', [['x-mode', 'trap']]), true).action, 'continue');
  assert.deepEqual(r.events, ['request-headers eos']);
  assert.equal(plugin.metrics.get('wasm.fail_open_bypass'), 1);
  await plugin.close();
});

test('memory exhaustion fails the VM, not the host: memory.grow stops at 1 GiB as in Envoy', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok' });
  const s = plugin.newHttpStream();
  const result = s.requestHeaders(GET('/', [['x-mode', 'oom']]), true);
  assert.equal(result.localReply?.status, 503);
  assert.equal(plugin.failed, true);
  assert.ok(plugin.workers[0]!.mem.byteLength <= 1024 * 1024 * 1024, 'grown past the 1 GiB cap');
  assert.match(plugin.workers[0]!.failure ?? '', /proxy_on_request_headers failed: Uncaught RuntimeError: unreachable/);
  await plugin.close();
});

test('a trap in on_configure refuses the plugin', async () => {
  await assert.rejects(createPlugin({ wasm, pluginConfig: 'trap-configure' }), { code: 'configure', message: /unreachable/ });
});

test('function imports after a memory import are still checked', async () => {
  const { readModuleImports, linkProblems } = await import('../module-imports.ts');
  const enc = new TextEncoder();
  const str = (s: string) => [enc.encode(s).length, ...enc.encode(s)];
  const types = [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0];
  const imps = [2, ...str('env'), ...str('memory'), 0x02, 0x00, 0x01, ...str('env'), ...str('abort'), 0x00, 0x00];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, types.length, ...types, 2, imps.length, ...imps]);
  const imports = readModuleImports(bytes);
  assert.deepEqual(
    imports.map((i) => `${i.module}.${i.name}`),
    ['env.memory', 'env.abort'],
  );
  assert.deepEqual(linkProblems(imports), ['Failed to load Wasm module due to a missing import: env.abort']);
});

test('an endless loop fails the VM with a clear error once the loop budget is spent; the host keeps running', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', loopBudget: 200_000 });
  const spin = plugin.newHttpStream();
  const spun = record(spin);
  assert.equal(spin.requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue', 'a bounded loop is untouched');
  assert.equal(spun.requestHeaders?.['x-spin'], 'done');
  spin.done();
  const s = plugin.newHttpStream();
  const started = Date.now();
  const result = s.requestHeaders(GET('/', [['x-mode', 'loop']]), true);
  assert.ok(Date.now() - started < 2000);
  assert.equal(result.localReply?.status, 503);
  assert.equal(result.localReply?.details, 'wasm_fail_stream');
  assert.match(
    plugin.workers[0]!.failure ?? '',
    /proxy_on_request_headers failed: loop budget exhausted: more than 200000 loop iterations/,
  );
  assert.equal(plugin.metrics.get('wasm.loop_budget_exhausted'), 1);
  assert.equal(plugin.metrics.get('wasm.vm_failed'), 1);
  s.done();
  await plugin.close();
});

test('the loop budget is per callback: it is refilled before every call into the module', async () => {
  // 10 000 iterations per request under a budget of 15 000: fails only if the budget carried over.
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', loopBudget: 15_000 });
  for (let i = 0; i < 5; i++) {
    const s = plugin.newHttpStream();
    assert.equal(s.requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue');
    s.done();
  }
  assert.equal(plugin.failed, false);
  await plugin.close();
});

test('loopBudget 0 runs the module unmetered; a bad budget is refused', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', loopBudget: 0 });
  const s = plugin.newHttpStream();
  assert.equal(s.requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue');
  await plugin.close();
  await assert.rejects(createPlugin({ wasm, loopBudget: -1 }), /loopBudget must be an integer/);
});
