// An ASCII JSON body is scanned as the string it is (src/detect/scan.js bodyRaw), not encoded to
// bytes first: the findings, offsets and paths must be those of the byte path (the same body
// given as bodyBytes), on the shared detection vectors and on seeded random JSON bodies with
// escapes, numbers, nested arrays and keywords; and the string path must really be taken.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { builtinRuleSetJson, loadEs5Engine, ROOT } from '../../test/unit/detect/lib/es5-engine.ts';
import { seededRng as rng } from './lib/seeded-rng.ts';

interface Input {
  body?: string;
  contentType?: string;
}
interface Engine {
  scanMessage(rs: unknown, msg: unknown): unknown[];
  ready: { encode(rs: unknown): string; decode(text: string): { ruleSet: unknown } };
  bytes: { utf8Encode(s: string): number[] };
}

const DIR = join(ROOT, 'test', 'vectors', 'detect');
const inputs = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { input: Input }).input);
const pieces = [
  ...new Set(inputs.flatMap((i) => (i.body ?? '').split(/([\s"{}[\],:=&@.\-/_])/))),
  'ssn',
  'card',
  'email',
  '\\',
  '"',
  'tel',
  'Patel',
  'social',
  ' 536-22-5492',
].filter((p) => p.length > 0 && /^[\x00-\x7f]*$/.test(p));

function randomBody(next: (n: number) => number): string {
  const text = (max: number) => Array.from({ length: 1 + next(max) }, () => pieces[next(pieces.length)]).join('');
  const body: Record<string, unknown> = {};
  for (let i = 0, n = 1 + next(8); i < n; i++) {
    const value = next(4) === 0 ? Number(`${next(100000)}.${next(100)}`) : text(6);
    body[text(2)] = next(5) === 0 ? [value, { [text(1)]: text(4) }] : value;
  }
  const json = JSON.stringify(body);
  // Some bodies with \u escapes of ASCII characters and whitespace between tokens.
  return next(4) === 0 ? json.replace(/@/g, '\\u0040').replace(/,/g, ' ,\n') : json;
}

async function setup() {
  const engine = loadEs5Engine() as unknown as Engine;
  const ready = engine.ready.decode(engine.ready.encode(await builtinRuleSetJson())).ruleSet;
  return { engine, ready };
}

function bothPaths(engine: Engine, ready: unknown, body: string, contentType: string) {
  const asString = engine.scanMessage(ready, { body, contentType });
  const asBytes = engine.scanMessage(ready, { bodyBytes: [...Buffer.from(body, 'utf8')], contentType });
  return { asString, asBytes };
}

it('ASCII JSON bodies: the string path reports exactly what the byte path reports (vectors + 600 random bodies)', async () => {
  const { engine, ready } = await setup();
  let findings = 0;
  let checked = 0;
  for (const input of inputs) {
    if (input.body === undefined) continue;
    const { asString, asBytes } = bothPaths(engine, ready, input.body, input.contentType ?? 'application/json');
    assert.deepEqual(asString, asBytes, input.body);
    findings += asBytes.length;
    checked++;
  }
  // Keywords at a word start, inside a word (`tel` in `Patel`), at the body's first byte, in a key.
  for (const body of [
    '{"note":"Jo Patel, social 536-22-5492"}',
    '{"note":"Jo tel, social 536-22-5492"}',
    '{"n":"ssn 078-05-1120","m":"xssn 078-05-1120"}',
    '{"customerSsn":"123456788","tel":"+1 202 555 0143"}',
  ]) {
    const { asString, asBytes } = bothPaths(engine, ready, body, 'application/json');
    assert.deepEqual(asString, asBytes, body);
    findings += asBytes.length;
  }
  const next = rng(0xa5c11);
  for (let i = 0; i < 600; i++) {
    const body = randomBody(next);
    const { asString, asBytes } = bothPaths(engine, ready, body, 'application/json');
    assert.deepEqual(asString, asBytes, `body ${i}: ${body}`);
    findings += asBytes.length;
    checked++;
  }
  assert.ok(checked > 600 && findings > 100, `bodies with findings were compared (${checked} bodies, ${findings} findings)`);
});

it('an ASCII JSON body is not encoded to bytes; a non-ASCII or non-JSON one is', async () => {
  const { engine, ready } = await setup();
  const encode = engine.bytes.utf8Encode;
  let encoded: string[] = [];
  engine.bytes.utf8Encode = (s: string) => {
    encoded.push(s);
    return encode(s);
  };
  const scan = (body: string, contentType: string) => {
    encoded = [];
    const out = engine.scanMessage(ready, { body, contentType });
    return { out, encoded: encoded.includes(body) };
  };
  const ascii = scan('{"email":"jane.doe@example.com"}', 'application/json');
  assert.equal(ascii.encoded, false);
  assert.equal(ascii.out.length, 1);
  assert.equal(scan('{"name":"Zoë","email":"jane.doe@example.com"}', 'application/json').encoded, true);
  assert.equal(scan('email jane.doe@example.com', 'text/plain').encoded, true);
});
