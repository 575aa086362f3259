// Apigee runs Rhino: the detection engine must be ES5 — parsed by acorn with ecmaVersion 5 — and
// must not call built-ins added after ES5 (Rhino lacks many of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as acorn from 'acorn';
import { detectSourceFiles } from './lib/es5-engine.ts';

const POST_ES5 = [
  /\bObject\.(assign|entries|values|fromEntries|is)\b/,
  /\bArray\.(from|of)\b/,
  /\.(includes|startsWith|endsWith|padStart|padEnd|repeat|find|findIndex|fill|flat|flatMap|codePointAt)\(/,
  /\bnew (Map|Set|WeakMap|WeakSet|Promise|Proxy|Uint8Array|Int32Array)\b/,
  /\b(Symbol|Reflect|TextEncoder|TextDecoder|globalThis)\b/,
];

for (const file of detectSourceFiles()) {
  test(`es5 syntax: ${basename(file)} parses as ECMAScript 5`, () => {
    assert.doesNotThrow(() => acorn.parse(readFileSync(file, 'utf8'), { ecmaVersion: 5, sourceType: 'script' }));
  });
  test(`es5 built-ins: ${basename(file)} uses no post-ES5 built-ins`, () => {
    const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    for (const re of POST_ES5) assert.doesNotMatch(code, re);
  });
}

test('es5 syntax: the check itself rejects ES2015 code', () => {
  assert.throws(() => acorn.parse('let x = () => 1;', { ecmaVersion: 5 }));
});
