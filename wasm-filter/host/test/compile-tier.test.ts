// Envoy's V8 runs a plugin's code as TurboFan compiled it, never as Liftoff's baseline code
// (proxy-wasm-cpp-host src/v8/v8.cc turns Liftoff off; cpp-host#323), so the host compiles the
// same way. Which tier a function got is visible only to V8's natives syntax, so a child process
// started with it compiles a module through compileModule and asks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const compileModuleUrl = new URL('../compile-module.ts', import.meta.url).href;

/** `f` returning 42, exported; small enough to write out. */
const MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11];

/** Runs `body` in a child with natives syntax; `isLiftoff(f)` is V8's %IsLiftoffFunction. */
function childSays(body: string): string {
  const script = `
    const isLiftoff = new Function('f', 'return %IsLiftoffFunction(f)');
    const bytes = new Uint8Array(${JSON.stringify(MODULE)});
    ${body}`;
  return execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    encoding: 'utf8',
  }).trim();
}

test('compile tier: a module the host compiles runs TurboFan code, not Liftoff', () => {
  const out = childSays(`
    const { compileModule } = await import(${JSON.stringify(compileModuleUrl)});
    const { module } = await compileModule(bytes, { budget: 0 });
    const f = new WebAssembly.Instance(module).exports.f;
    f();
    console.log(String(isLiftoff(f)));`);
  assert.equal(out, 'false');
});

test('compile tier: without the host, Node would have used Liftoff (the check can tell)', () => {
  const out = childSays(`
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    f();
    console.log(String(isLiftoff(f)));`);
  assert.equal(out, 'true');
});
