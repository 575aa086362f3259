// The built-in RuleSet is embedded in palisade.wasm packed (scripts/lib/rules-pack.mjs, unpacked by
// wasm-filter/assembly/rules/inflate.ts): packing must round-trip exactly, and the generated embed
// must hold the very bytes the RuleSet compiler wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rulesPack, rulesUnpack } from '../../../scripts/lib/rules-pack.mjs';
import { builtinRuleSetBytes } from '../../filter/lib/builtin-rules.ts';

function arrayIn(file: string): Uint8Array {
  const text = readFileSync(file, 'utf8');
  const list = text.slice(text.indexOf('= [') + 3, text.lastIndexOf(']'));
  return Uint8Array.from(
    list
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(Number),
  );
}

test('rulesPack round-trips empty, short, repetitive and random inputs', () => {
  let seed = 7;
  const random = Uint8Array.from({ length: 5000 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
  const runs = new Uint8Array(3000).fill(0x2a);
  const words = new TextEncoder().encode('card card card 4111 4111 1111 1111 '.repeat(40));
  for (const input of [new Uint8Array(0), Uint8Array.of(1, 2, 3), random, runs, words]) {
    assert.deepEqual(rulesUnpack(rulesPack(input)), input);
  }
  assert.ok(rulesPack(runs).length < 48, 'a run packs to a few bytes per 258-byte match');
});

test('the embedded packing is the compiled built-in RuleSet, under half its size', () => {
  const raw = builtinRuleSetBytes();
  const packed = arrayIn('wasm-filter/assembly/generated/builtin-rules-packed.ts');
  assert.deepEqual(Buffer.from(rulesUnpack(packed)), raw);
  assert.ok(packed.length < raw.length * 0.5, `${packed.length} of ${raw.length} bytes`);
});

test('rulesUnpack refuses a size that is not the unpacked size', () => {
  const packed = rulesPack(new TextEncoder().encode('abc'));
  packed[0] = 4;
  assert.throws(() => rulesUnpack(packed), /size mismatch/);
});
