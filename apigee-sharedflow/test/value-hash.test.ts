// The shared value-hash vectors (test/vectors/value-hash/) through the bundled policy library
// (src/core/value-hash.js: SipHash-2-4 in 32-bit halves, for Rhino without BigInt), in Node and in
// real Rhino: the same hashes as the reference and the Envoy filter, in the JSON forms the policy
// sends (base64 value_hash) and compares (the decimal fixed64 of the release list).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jscDir, PATHS } from './lib/bundle-fixture.ts';
import { requestState, type PolicyRunner } from './lib/policy-runner.ts';
import { RUNTIMES } from './lib/runtimes.ts';
import { valueHashVectors } from '../../test/lib/value-hash.ts';

const MAIN = join(PATHS.flowDir, 'test', 'rhino', 'value-hash-main.js');
const KEY = '000102030405060708090a0b0c0d0e0f';

interface Case {
  key: string;
  location: string;
  path: string;
  value: string;
}
interface Result {
  hex: string;
  base64: string;
  decimal: string;
}

const vectors = valueHashVectors();
// More than the vectors: every message length around the 8-byte blocks, and no hash at all under
// the all-zero key or without one.
const extra: Case[] = Array.from({ length: 20 }, (_, n) => ({
  key: KEY,
  location: 'request',
  path: '$.a',
  value: 'abcdefghijklmnopqrstuvwxyz'.slice(0, n + 1),
}));
const noKey: Case[] = [
  { key: '00000000000000000000000000000000', location: 'response', path: '$.status', value: 'active' },
  { key: '', location: 'response', path: '$.status', value: 'active' },
];

for (const rt of RUNTIMES) {
  describe(`value hashes in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    let results: Result[];
    const cases: Case[] = [...vectors.map((v) => v.input), ...extra, ...noKey];
    before(async () => {
      runner = rt.create();
      const r = await runner.run([join(jscDir(), 'palisade-lib.js'), MAIN], requestState({}, { 'test.cases': JSON.stringify(cases) }));
      assert.equal(r.error, null);
      results = JSON.parse(String(r.state.variables['test.results'])) as Result[];
    });
    after(() => runner.close());

    vectors.forEach((v, i) => {
      it(`vector ${v.name}: ${v.description}`, () => {
        assert.equal(results[i]!.hex, v.expected.hash);
        const bytes = Buffer.from(v.expected.hash, 'hex');
        assert.equal(results[i]!.base64, bytes.toString('base64'), 'value_hash as proto JSON bytes');
        assert.equal(results[i]!.decimal, v.expected.hash ? bytes.readBigUInt64LE(0).toString() : '', 'as ValueRelease.hashes');
      });
    });

    it('every message length across the 8-byte blocks agrees with the reference', async () => {
      const { valueHashHex } = await import('../../test/lib/value-hash.ts');
      extra.forEach((c, i) => assert.equal(results[vectors.length + i]!.hex, valueHashHex(KEY, 'request', c.path, c.value), c.value));
    });

    it('no hash under the all-zero key or without a key', () => {
      for (let i = 0; i < noKey.length; i++)
        assert.deepEqual(results[vectors.length + extra.length + i], { hex: '', base64: '', decimal: '' });
    });
  });
}
