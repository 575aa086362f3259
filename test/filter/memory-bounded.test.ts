// palisade.wasm's collector never runs by itself (wasm-filter/assembly/abi/collector.ts: the
// two-colour runtime collects only when the filter asks, at the end of a callback). These tests
// prove that it asks: a worker's memory stays flat over exchanges whose garbage adds up to many
// times that memory, both for inspected bodies and for the scan exports the tools drive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin } from '../../wasm-filter/host/index.ts';
import { WasmScanner } from '../../wasm-filter/tools/wasm-scanner.ts';
import { builtinRuleSetObject, encodeRuleSetObject } from '../../wasm-filter/tools/scan-rules.ts';
import { exchange } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
const MiB = 1024 * 1024;

/** A JSON body of about `bytes` with a test card number and fields whose names vary by `seed`. */
function jsonBody(bytes: number, seed: number): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = `{"id":${seed * 1000 + i},"note_${seed % 7}":"order ${i} for customer ${seed}","card":"4111 1111 1111 1111"}`;
    items.push(item);
    size += item.length + 1;
  }
  return `{"items":[${items.join(',')}]}`;
}

test('a worker memory stays flat over thousands of inspected 16 KiB exchanges', async () => {
  const plugin = await createPlugin({ wasm: WASM, pluginConfig: '{}', manualTicks: true });
  const run = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = exchange(plugin, {
        path: `/v1/customers/${i}/orders?page=${i % 5}`,
        headers: [['content-type', 'application/json']],
        body: jsonBody(16 * 1024, i),
        response: { headers: [['content-type', 'application/json']], body: jsonBody(16 * 1024, i + 1) },
      });
      assert.equal(r.clientStatus, 200);
    }
  };
  run(0, 300);
  const warm = plugin.workers[0]!.mem.byteLength;
  run(300, 3000);
  const after = plugin.workers[0]!.mem.byteLength;
  assert.equal(plugin.failed, false);
  // 2,700 exchanges with 32 KiB of bodies each leave far more garbage than this (tens of MiB).
  assert.ok(after - warm <= 1 * MiB, `memory grew from ${warm} to ${after} bytes`);
  await plugin.close();
});

test('the scan exports keep memory flat over many body scans', async () => {
  const wasm = await WasmScanner.load(WASM);
  wasm.loadRules(encodeRuleSetObject(builtinRuleSetObject()));
  const body = Buffer.from(jsonBody(64 * 1024, 1));
  const scanMany = (n: number) => {
    for (let i = 0; i < n; i++) assert.ok(wasm.scanBodyBytes('application/json', body).findings.length > 0);
  };
  scanMany(50);
  const warm = wasm.memoryBytes();
  scanMany(500);
  assert.ok(wasm.memoryBytes() - warm <= 1 * MiB, `memory grew from ${warm} to ${wasm.memoryBytes()} bytes`);
});
