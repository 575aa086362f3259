// The shared value-hash vectors (test/vectors/value-hash/) in the built palisade.wasm: the very
// function its body-shape and parameter collectors call (telemetry/value-hash.ts), reached through
// the module's scan exports, so what Envoy runs hashes as the reference and the Apigee policy do.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmScanner } from '../../wasm-filter/tools/wasm-scanner.ts';
import { valueHashVectors } from '../lib/value-hash.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
let scanner: WasmScanner;
before(async () => {
  scanner = await WasmScanner.load(WASM);
});

for (const v of valueHashVectors()) {
  test(`palisade.wasm value-hash ${v.name}: ${v.description}`, () => {
    const { key, location, path, value } = v.input;
    scanner.setHashKey(Buffer.from(key, 'hex'));
    assert.equal(scanner.valueHash(location, path, value), v.expected.hash);
  });
}

test('palisade.wasm sends no value hash under the all-zero key, nor for a value with a format', () => {
  scanner.setHashKey(new Uint8Array(16));
  assert.equal(scanner.valueHash('response', '$.status', 'active'), '');
  scanner.setHashKey(Uint8Array.from({ length: 16 }, (_, i) => i));
  assert.notEqual(scanner.valueHash('response', '$.status', 'active'), '');
  assert.equal(scanner.valueHash('response', '$.id', '123e4567-e89b-12d3-a456-426614174000'), '', 'a uuid is not an enum value');
  assert.equal(scanner.valueHash('response', '$.day', '2026-12-05'), '', 'a date is not an enum value');
});
