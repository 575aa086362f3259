// The scanner splits a segment's key into tokens from its text with native calls
// (src/detect/context.js textTokens); the byte loop (tokens) stays the reference: both must give
// the same tokens for every key, camelCase, digits, separators and bytes above 0x7f included.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadEs5Engine } from '../../test/unit/detect/lib/es5-engine.ts';
import { seededRng } from './lib/seeded-rng.ts';

interface Context {
  tokens(bytes: number[]): string[];
  textTokens(text: string): string[];
}

const context = (loadEs5Engine() as unknown as { context: Context }).context;
const ALPHABET = 'aZz0A9_-. $é\u00c0\u00ff\u0080Bc7xY';

function check(key: string) {
  const bytes = [...key].map((c) => c.charCodeAt(0));
  assert.deepEqual(context.textTokens(key), context.tokens(bytes), JSON.stringify(key));
}

it('textTokens matches tokens on named keys', () => {
  for (const key of [
    'billingCardNumber',
    'card_number',
    'IBAN',
    'ABCdef',
    'a1B2C',
    'x-api-key',
    '__proto__',
    '',
    '--',
    'cardNo2Fa',
    'ÀÉcard',
  ])
    check(key);
});

it('textTokens matches tokens on 2,000 random keys of char codes 0-255', () => {
  const next = seededRng(8);
  for (let n = 0; n < 2000; n++) {
    let key = '';
    const length = next(12);
    for (let i = 0; i < length; i++) key += next(5) < 4 ? ALPHABET[next(ALPHABET.length)] : String.fromCharCode(next(256));
    check(key);
  }
});
