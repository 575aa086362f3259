// The shared detection vectors run through the BUILT palisade.wasm (STYLE.md §6-7): the scanner
// Envoy loads must report what every other scanner reports. Cases it cannot pass yet are listed in
// vectors-skip.json with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareFindings, readSkips, readVectors, VECTORS_DIR } from './detect-vectors.ts';
import { builtinRuleSetObject, encodeRuleSetObject, withCustomDetectors } from './scan-rules.ts';
import { WasmScanner } from './wasm-scanner.ts';

const vectors = readVectors();
const skips = readSkips();

test('the skip file names existing vectors, each with a reason', () => {
  for (const [file, reason] of Object.entries(skips)) {
    assert.ok(existsSync(join(VECTORS_DIR, file)), `${file} is not a vector`);
    assert.ok(typeof reason === 'string' && reason.trim().length >= 10, `${file}: give a real reason`);
  }
});

if (vectors.length > 0) {
  const base = builtinRuleSetObject();
  const builtinBytes = encodeRuleSetObject(base);
  const scanner = await WasmScanner.load();

  for (const v of vectors) {
    const reason = skips[v.file];
    test(`detect vector ${v.file}: ${v.name}`, { skip: reason }, () => {
      scanner.loadRules(v.detectors?.length ? encodeRuleSetObject(withCustomDetectors(base, v.detectors)) : builtinBytes);
      const result = scanner.scan(v.input);
      assert.deepEqual(compareFindings(result.findings, v.expected), []);
    });
  }
}
