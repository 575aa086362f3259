// The callback deadline (callback-watchdog.ts): an endless loop in any callback is stopped once it
// has run past the deadline and fails its VM like a trap (503 wasm_fail_stream, or bypassed with
// fail-open), counted and logged; other VMs and plugins keep serving; the watchdog goes with the
// last plugin. Deadlines are short here so the tests stay quick; nothing asserts a duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { callbackWatchdog } from '../callback-watchdog.ts';
import { createPlugin } from '../plugin.ts';
import { fixture, GET, POST, record } from './helpers.ts';

const wasm = fixture('conformance');
const callbackDeadlineMs = 50;
const STOPPED = /failed: callback deadline exceeded: ran longer than 50 ms \(endless loop\?\)/;

test('an endless loop in on_request_headers: 503 wasm_fail_stream, counted and logged; other VMs and plugins keep serving', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs, workers: 2 });
  const other = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs });
  const s = plugin.newHttpStream({ worker: 0 });
  const r = record(s);
  const result = s.requestHeaders(GET('/', [['x-mode', 'loop']]), true);
  assert.equal(result.action, 'local-reply');
  assert.equal(r.localReply?.status, 503);
  assert.equal(r.localReply?.details, 'wasm_fail_stream');
  assert.match(plugin.workers[0]!.failure ?? '', /^Function: proxy_on_request_headers failed: callback deadline exceeded/);
  assert.ok(plugin.logs.some((l) => l.level === 'critical' && STOPPED.test(l.message)));
  assert.equal(plugin.metrics.get('wasm.callback_deadline_exceeded'), 1);
  assert.equal(plugin.metrics.get('wasm.vm_failed'), 1);
  s.done();
  assert.equal(plugin.newHttpStream({ worker: 0 }).requestHeaders(GET(), true).localReply?.status, 503, 'the failure is sticky');
  const sibling = plugin.newHttpStream({ worker: 1 });
  const sr = record(sibling);
  assert.equal(sibling.requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue', 'the other worker VM serves');
  assert.equal(sr.requestHeaders?.['x-spin'], 'done');
  assert.equal(other.newHttpStream().requestHeaders(GET(), true).action, 'continue', 'another plugin serves');
  assert.equal(other.failed, false);
  await plugin.close();
  await other.close();
});

test('fail_open: the stopped request and the next ones bypass the filter', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs, failOpen: true });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(s.requestHeaders(GET('/', [['x-mode', 'loop']]), true).action, 'continue');
  assert.deepEqual(r.events, ['request-headers eos']);
  assert.match(plugin.workers[0]!.failure ?? '', STOPPED);
  assert.equal(plugin.newHttpStream().requestHeaders(GET(), true).action, 'continue');
  assert.equal(plugin.metrics.get('wasm.fail_open_bypass'), 2);
  await plugin.close();
});

test('an endless loop in on_request_body is stopped and fails the stream', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs });
  const s = plugin.newHttpStream();
  const r = record(s);
  assert.equal(s.requestHeaders(POST('/', [['x-mode', 'loop-body']]), false).action, 'continue');
  assert.equal(s.requestBody(Buffer.from('abc'), true).action, 'local-reply');
  assert.equal(r.localReply?.status, 503);
  assert.match(plugin.workers[0]!.failure ?? '', /^Function: proxy_on_request_body failed: callback deadline exceeded/);
  await plugin.close();
});

test('an endless loop in on_tick, run from its timer, fails the VM and the host keeps running', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'tick-loop', callbackDeadlineMs });
  // Tick timers and the watchdog are unref'd: keep the test's event loop alive while it waits.
  const alive = setInterval(() => {}, 1000);
  const [failure] = (await once(plugin, 'vm-failed')) as [{ reason: string }];
  clearInterval(alive);
  assert.match(failure.reason, /^Function: proxy_on_tick failed: callback deadline exceeded/);
  assert.equal(plugin.newHttpStream().requestHeaders(GET(), true).localReply?.status, 503);
  await new Promise((resolve) => setImmediate(resolve));
  await plugin.close();
});

test('an endless loop in on_vm_start or on_configure refuses the plugin', async () => {
  await assert.rejects(createPlugin({ wasm, vmConfig: 'loop-vm', pluginConfig: 'ok', callbackDeadlineMs }), {
    code: 'vm-start',
    message: /^Function: proxy_on_vm_start failed: callback deadline exceeded/,
  });
  await assert.rejects(createPlugin({ wasm, pluginConfig: 'loop-configure', callbackDeadlineMs }), {
    code: 'configure',
    message: /^Function: proxy_on_configure failed: callback deadline exceeded/,
  });
});

test('the deadline is per callback: bounded loops in many callbacks never add up', async () => {
  const plugin = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs });
  for (let i = 0; i < 200; i++) {
    const s = plugin.newHttpStream();
    assert.equal(s.requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue');
    s.done();
  }
  assert.equal(plugin.failed, false);
  await plugin.close();
});

test('the watchdog runs while a plugin holds it and stops with the last one', async () => {
  const a = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs });
  const b = await createPlugin({ wasm, pluginConfig: 'ok' });
  assert.equal(callbackWatchdog.active, true);
  await a.close();
  assert.equal(callbackWatchdog.active, true, 'b still holds it');
  await b.close();
  assert.equal(callbackWatchdog.active, false);
  const budgeted = await createPlugin({ wasm, pluginConfig: 'ok', loopBudget: 1000 });
  assert.equal(callbackWatchdog.active, false, 'a loop budget needs no watchdog');
  await budgeted.close();
  await assert.rejects(createPlugin({ wasm, pluginConfig: 'fail', callbackDeadlineMs }), { code: 'configure' });
  assert.equal(callbackWatchdog.active, false, 'a plugin refused at load does not keep it');
});

test('callbackDeadlineMs is checked, and not given together with loopBudget', async () => {
  await assert.rejects(createPlugin({ wasm, callbackDeadlineMs: -1 }), /callbackDeadlineMs must be an integer from 0 to 3600000/);
  await assert.rejects(createPlugin({ wasm, callbackDeadlineMs: 1.5 }), /callbackDeadlineMs must be an integer/);
  await assert.rejects(createPlugin({ wasm, callbackDeadlineMs: 100, loopBudget: 100 }), /not both/);
  const unguarded = await createPlugin({ wasm, pluginConfig: 'ok', callbackDeadlineMs: 0 });
  assert.equal(unguarded.newHttpStream().requestHeaders(GET('/', [['x-mode', 'spin']]), true).action, 'continue');
  assert.equal(callbackWatchdog.active, false, 'no deadline, no watchdog');
  await unguarded.close();
});

test('a process that never closes its plugin still exits: the watchdog does not keep it alive', () => {
  const script = [
    `import { createPlugin } from ${JSON.stringify(new URL('../plugin.ts', import.meta.url).href)};`,
    `const plugin = await createPlugin({ wasm: ${JSON.stringify(wasm)}, pluginConfig: 'tick', callbackDeadlineMs: 1000 });`,
    `console.log(plugin.watched ? 'watched' : 'not watched');`,
  ].join('\n');
  // A safety net only: a process kept alive by the watchdog would be killed and fail the assertions.
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.signal, null, 'the process had to be killed');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'watched');
  assert.doesNotMatch(child.stderr, /Waiting for the debugger/);
});
