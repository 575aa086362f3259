// The import check refuses exactly what Envoy's V8::link refuses: unknown imports (env.abort) and
// type mismatches, and accepts the built palisade.wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { linkProblems, readModuleImports, WasmFormatError } from '../../../wasm-filter/host/module-imports.ts';
import { PROXY_FUNCTIONS } from '../../../wasm-filter/host/abi-signatures.ts';

/** Builds a minimal module importing the given functions (types as wasm value-type bytes). */
function moduleWithImports(imports: { module: string; name: string; params: number[]; results: number[] }[]): Uint8Array {
  const enc = new TextEncoder();
  const vec = (items: number[][]) => [items.length, ...items.flat()];
  const str = (s: string) => [enc.encode(s).length, ...enc.encode(s)];
  const types = vec(imports.map((i) => [0x60, ...vec(i.params.map((p) => [p])), ...vec(i.results.map((r) => [r]))]));
  const imps = vec(imports.map((i, idx) => [...str(i.module), ...str(i.name), 0x00, idx]));
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(2, imps)]);
}
const I32 = 0x7f;
const I64 = 0x7e;

test('the built palisade.wasm links as Envoy links it', () => {
  const imports = readModuleImports(readFileSync('wasm-filter/build/palisade.wasm'));
  assert.ok(imports.length > 0);
  assert.deepEqual(linkProblems(imports), []);
  assert.ok(!imports.some((i) => i.name === 'abort'), 'env.abort must be redirected with --use abort=');
});

test('env.abort is refused as a missing import', () => {
  const problems = linkProblems(
    readModuleImports(moduleWithImports([{ module: 'env', name: 'abort', params: [I32, I32, I32, I32], results: [] }])),
  );
  assert.deepEqual(problems, ['Failed to load Wasm module due to a missing import: env.abort']);
});

test('0.1.0-only functions are refused for 0.2.1 (proxy_clear_route_cache)', () => {
  const problems = linkProblems(
    readModuleImports(moduleWithImports([{ module: 'env', name: 'proxy_clear_route_cache', params: [], results: [I32] }])),
  );
  assert.match(problems[0] ?? '', /missing import: env\.proxy_clear_route_cache/);
});

test('a type mismatch is refused (proxy_grpc_stream with 7 params, as old SDKs declare it)', () => {
  const problems = linkProblems(
    readModuleImports(moduleWithImports([{ module: 'env', name: 'proxy_grpc_stream', params: Array(7).fill(I32), results: [I32] }])),
  );
  assert.match(problems[0] ?? '', /import type mismatch: env\.proxy_grpc_stream/);
});

test('i64 parameters are required where cpp-host uses them (proxy_increment_metric)', () => {
  assert.deepEqual(
    linkProblems(
      readModuleImports(moduleWithImports([{ module: 'env', name: 'proxy_increment_metric', params: [I32, I64], results: [I32] }])),
    ),
    [],
  );
  assert.equal(
    linkProblems(
      readModuleImports(moduleWithImports([{ module: 'env', name: 'proxy_increment_metric', params: [I32, I32], results: [I32] }])),
    ).length,
    1,
  );
});

test('WASI is accepted under both module names and nothing else', () => {
  const ok = moduleWithImports([
    { module: 'wasi_snapshot_preview1', name: 'fd_write', params: [I32, I32, I32, I32], results: [I32] },
    { module: 'wasi_unstable', name: 'proc_exit', params: [I32], results: [] },
  ]);
  assert.deepEqual(linkProblems(readModuleImports(ok)), []);
  const bad = moduleWithImports([{ module: 'wasi_snapshot_preview2', name: 'fd_write', params: [I32, I32, I32, I32], results: [I32] }]);
  assert.equal(linkProblems(readModuleImports(bad)).length, 1);
});

test('the 0.2.1 host function set has 39 proxy_* functions', () => {
  assert.equal(Object.keys(PROXY_FUNCTIONS).length, 39);
});

test('truncated and non-wasm input is a clear error, not a crash', () => {
  assert.throws(() => readModuleImports(new Uint8Array([1, 2, 3])), WasmFormatError);
  const good = moduleWithImports([{ module: 'env', name: 'proxy_log', params: [I32, I32, I32], results: [I32] }]);
  assert.throws(() => readModuleImports(good.subarray(0, good.length - 3)), WasmFormatError);
});

test('the check-imports script exits 1 on a module Envoy would refuse', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'palisade-wasm-')), 'bad.wasm');
  writeFileSync(file, moduleWithImports([{ module: 'env', name: 'abort', params: [I32, I32, I32, I32], results: [] }]));
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'wasm-filter/tools/check-imports.ts', file], { encoding: 'utf8' });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /missing import: env\.abort/);
});
