// The ES5 scanner's prefilter (src/detect/prefilter.js) skips SEARCH automata, never findings:
// the ready form scans with and without it on messages assembled at random from the shared
// detection vectors' own values, keys and keywords (seeded, so a failure replays), and the
// findings must be identical; and it must actually skip on clean data.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { builtinRuleSetJson, loadEs5Engine, ROOT } from '../../test/unit/detect/lib/es5-engine.ts';
import { seededRng as rng } from './lib/seeded-rng.ts';

interface Input {
  headers?: Record<string, string>;
  query?: string;
  body?: string;
  contentType?: string;
}
// The engine's own objects, as much of them as this test reads.
interface Prefilter {
  need: unknown[];
}
interface Engine {
  scanMessage(rs: unknown, msg: unknown): unknown[];
  ready: { encode(rs: unknown): string; decode(text: string): { ruleSet: unknown } };
  tables: { prepared(rs: unknown): { prefilter: Prefilter | null } };
  prefilter: { mayFind(...args: unknown[]): boolean };
}

const DIR = join(ROOT, 'test', 'vectors', 'detect');
const inputs = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { input: Input }).input);

// Pieces of real sensitive values, clean words, keys and keywords, cut at punctuation and spaces
// (kept as pieces too) so that reassembled values cross the features the prefilter tests.
const pieces = [
  ...new Set(
    inputs.flatMap((i) =>
      [i.body ?? '', i.query ?? '', ...Object.entries(i.headers ?? {}).flat()].flatMap((s) => s.split(/([\s"{}[\],:=&@.\-/_])/)),
    ),
  ),
].filter((p) => p.length > 0);
// Whole values of the vectors, keywords and all (`ssn 078-05-1120` in a text body).
const wholes = [
  ...new Set(inputs.flatMap((i) => [i.body ?? '', i.query ?? '', ...Object.values(i.headers ?? {})]).filter((s) => s.length > 0)),
];

function randomMessage(next: (n: number) => number) {
  const piece = () => (next(8) === 0 ? wholes[next(wholes.length)] : pieces[next(pieces.length)]);
  const text = (max: number) => Array.from({ length: 1 + next(max) }, piece).join('');
  const body: Record<string, unknown> = {};
  for (let i = 0, n = 1 + next(8); i < n; i++) {
    const value = next(4) === 0 ? Number(`${next(100000)}.${next(100)}`) : text(6);
    body[text(2)] = next(5) === 0 ? [value, { [text(1)]: text(4) }] : value;
  }
  return {
    headers: { [text(1).toLowerCase() || 'x']: text(4) },
    query: `${text(1)}=${encodeURIComponent(text(4))}`,
    body: next(6) === 0 ? text(12) : JSON.stringify(body),
    contentType: next(6) === 0 ? 'text/plain' : 'application/json',
  };
}

it('findings are identical with and without the prefilter on 600 random messages, and it skips automata', async () => {
  const engine = loadEs5Engine() as unknown as Engine;
  const ready = engine.ready.decode(engine.ready.encode(await builtinRuleSetJson())).ruleSet;
  const p = engine.tables.prepared(ready);
  const prefilter = p.prefilter;
  assert.ok(prefilter !== null && prefilter.need.length > 0, 'the ready form carries the prefilter');
  let asked = 0;
  let skipped = 0;
  const mayFind = engine.prefilter.mayFind;
  engine.prefilter.mayFind = (...args: unknown[]) => {
    const r = mayFind(...args);
    asked++;
    if (!r) skipped++;
    return r;
  };
  const next = rng(0x5eed);
  let findings = 0;
  for (let i = 0; i < 600; i++) {
    const msg = randomMessage(next);
    p.prefilter = prefilter;
    const withIt = engine.scanMessage(ready, msg);
    p.prefilter = null;
    const without = engine.scanMessage(ready, msg);
    assert.deepEqual(withIt, without, `message ${i}: ${JSON.stringify(msg)}`);
    findings += without.length;
  }
  assert.ok(findings > 100, `the random messages hold findings (${findings})`);
  assert.ok(skipped > asked / 4, `the prefilter skips automata (${skipped} of ${asked})`);
});

it('clean short values need no automaton; an e-mail address needs one', async () => {
  const engine = loadEs5Engine() as unknown as Engine;
  const ready = engine.ready.decode(engine.ready.encode(await builtinRuleSetJson())).ruleSet;
  const pf = engine.tables.prepared(ready).prefilter!;
  const needed = (text: string) => pf.need.map((_, a) => engine.prefilter.mayFind(pf, a, text, {}, () => false)).filter((x) => x).length;
  assert.equal(needed('12'), 0);
  assert.equal(needed('shipped'), 0);
  assert.ok(needed('jane.doe@example.com') >= 1);
});
