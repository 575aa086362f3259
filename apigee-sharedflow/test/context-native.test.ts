// The scanner's context helpers have native paths for text (src/detect/context.js): key tokens
// (textTokens) and keywords in an ASCII field (keywordIn on a string). The byte loops stay the
// reference: both paths must agree on every input, camelCase, digits, separators, case, word
// starts and window edges included.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadEs5Engine } from '../../test/unit/detect/lib/es5-engine.ts';
import { seededRng } from './lib/seeded-rng.ts';

interface Context {
  tokens(bytes: number[]): string[];
  textTokens(text: string): string[];
  keywordIn(raw: string | number[], from: number, to: number, words: string[]): boolean;
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

it('keywordIn finds the same keywords in an ASCII string as in its bytes, on 3,000 random windows', () => {
  const next = seededRng(9);
  const pieces = ['card', 'Card', 'CARD', 'tel', 'Patel', 'reorder', 'order', ' ', '_', '-', '1', 'x', 'pin', 'iban:'];
  const words = [['card'], ['tel', 'order'], ['pin', 'iban'], ['_id'], ['']];
  let found = 0;
  for (let n = 0; n < 3000; n++) {
    let text = '';
    const count = next(10);
    for (let i = 0; i < count; i++) text += pieces[next(pieces.length)];
    const from = next(Math.floor(text.length / 3) + 2);
    const to = next(8) === 0 ? next(from + 1) : from + next(text.length + 4 - from);
    const list = words[next(words.length)]!;
    const bytes = [...text].map((c) => c.charCodeAt(0));
    const got = context.keywordIn(text, from, to, list);
    assert.equal(got, context.keywordIn(bytes, from, to, list), JSON.stringify({ text, from, to, list }));
    if (got) found++;
  }
  assert.ok(found > 100, `the random windows hold keywords often enough to test both answers (${found})`);
});
