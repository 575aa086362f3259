// Palisade.text's UTF-8 helpers (src/core/text.js) take native paths for large bodies (ASCII
// tests, encodeURIComponent + unescape), with a loop per unit left only for text holding a lone
// surrogate. Whatever the path, in Node and in real Rhino they must answer what UTF-8 says:
// checked here against Node's own encoder on seeded random text of ASCII, 2-, 3- and 4-byte
// characters and lone surrogates (counted as the 3-byte U+FFFD the wire would carry).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jscDir, PATHS } from './lib/bundle-fixture.ts';
import { requestState, type PolicyRunner } from './lib/policy-runner.ts';
import { RUNTIMES } from './lib/runtimes.ts';
import { seededRng } from './lib/seeded-rng.ts';

const MAIN = join(PATHS.flowDir, 'test', 'rhino', 'text-main.js');
const UNITS = ['a', 'Z', '7', ' ', '\n', '\u0001', 'é', 'ß', '\u07ff', '€', '中', '\uffff', '😀', '\ud800', '\udfff'];

interface Case {
  s: string;
  max: number;
  offsets: number[];
}

/** The longest prefix of s whose UTF-8 fits in max bytes, never splitting a surrogate pair. */
function expectedPrefix(s: string, max: number): string {
  let end = 0;
  for (const ch of s) {
    if (Buffer.byteLength(s.slice(0, end + ch.length)) > max) break;
    end += ch.length;
  }
  return s.slice(0, end);
}

function cases(seed: number, count: number): Case[] {
  const next = seededRng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    // A third each: ASCII, any character, and those plus lone surrogates (the loop's path).
    const units = [4, UNITS.length - 2, UNITS.length][next(3)]!;
    const n = next(400);
    let s = '';
    for (let j = 0; j < n; j++) s += UNITS[next(units)];
    const bytes = Buffer.byteLength(s);
    const offsets = Array.from({ length: next(6) }, () => next(bytes + 3)).sort((a, b) => a - b);
    out.push({ s, max: next(bytes + 8), offsets });
  }
  return out;
}

for (const rt of RUNTIMES) {
  describe(`UTF-8 helpers in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());

    for (const seed of [1, 2, 3]) {
      it(`length and prefix as UTF-8 says, ASCII indexes as offsets (seed ${seed})`, async () => {
        const input = cases(seed, 120);
        const r = await runner.run([join(jscDir(), 'palisade-lib.js'), MAIN], requestState({}, { 'test.cases': JSON.stringify(input) }));
        assert.equal(r.error, null);
        const results = JSON.parse(String(r.state.variables['test.results'])) as { length: number; prefix: number; indexes: number[] }[];
        input.forEach((c, i) => {
          const got = results[i]!;
          const what = `case ${i}: ${JSON.stringify(c.s.slice(0, 40))}…, max ${c.max}`;
          assert.equal(got.length, Buffer.byteLength(c.s), what);
          assert.equal(got.prefix, expectedPrefix(c.s, c.max).length, what);
          if (/^[\t\n\r -~]*$/.test(c.s))
            assert.deepEqual(
              got.indexes,
              c.offsets.map((o) => Math.min(o, c.s.length)),
              what,
            );
          else assert.equal(got.indexes.length, c.offsets.length, what);
        });
      });
    }
  });
}
