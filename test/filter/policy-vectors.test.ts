// The shared policy vectors (test/vectors/policy/, format in test/vectors/README.md "policy") run
// on the filter's own AssemblyScript policy core, compiled as wasm-filter/build/policy-harness.wasm
// by scripts/build-steps/45-filter-harness.mjs. The Apigee policy iterates the same folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessage } from './lib/proto.ts';

const VECTORS = 'test/vectors/policy';
const HARNESS = 'wasm-filter/build/policy-harness.wasm';

interface Harness {
  evaluate(rules: Uint8Array, input: string): Record<string, unknown>;
}

interface HarnessExports {
  memory: { buffer: ArrayBuffer };
  alloc(size: number): number;
  evaluate(rp: number, rl: number, ip: number, il: number): number;
}

// The root tsconfig has no DOM lib, so the WebAssembly global is typed here by what we use.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }> };
  }
).WebAssembly;

async function loadHarness(): Promise<Harness> {
  const holder: { exports?: HarnessExports } = {};
  const { instance } = await wasm.instantiate(readFileSync(HARNESS), {
    env: {
      proxy_log: (_level: number, ptr: number, len: number) => {
        // abort() logs before trapping: surface the message in the failure.
        console.error(Buffer.from(holder.exports!.memory.buffer, ptr, len).toString('utf8'));
        return 0;
      },
    },
  });
  const exports = instance.exports as HarnessExports;
  holder.exports = exports;
  const put = (bytes: Uint8Array): number => {
    const ptr = exports.alloc(Math.max(bytes.length, 1));
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  return {
    evaluate(rules, input) {
      const inputBytes = Buffer.from(input, 'utf8');
      const rp = put(rules);
      const ip = put(inputBytes);
      const out = exports.evaluate(rp, rules.length, ip, inputBytes.length);
      // AssemblyScript object header: the payload size (rtSize) sits 4 bytes before the data.
      const len = new DataView(exports.memory.buffer).getUint32(out - 4, true);
      return JSON.parse(Buffer.from(exports.memory.buffer, out, len).toString('utf8'));
    },
  };
}

const files = existsSync(VECTORS)
  ? readdirSync(VECTORS)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

test('policy vectors exist', () => {
  assert.ok(files.length >= 20, `expected the shared policy vectors in ${VECTORS}`);
});

test('every policy vector gives the expected verdict in the filter policy core', async (t) => {
  assert.ok(existsSync(HARNESS), `${HARNESS} missing: run npm run build`);
  const harness = await loadHarness();
  for (const file of files) {
    await t.test(file.replace(/\.json$/, ''), () => {
      const vector = JSON.parse(readFileSync(join(VECTORS, file), 'utf8'));
      const { policies, settings, ...rest } = vector.input;
      const rules = encodeMessage('RuleSet', { version: 1, policies, settings });
      const got = harness.evaluate(rules, JSON.stringify(rest));
      if (vector.expected.refused) {
        assert.equal(typeof got.error, 'string', `rule set should be refused, got ${JSON.stringify(got)}`);
        return;
      }
      assert.equal(got.error, undefined, String(got.error));
      const { authScheme: _ignored, ...verdict } = got;
      assert.deepEqual(verdict, vector.expected);
    });
  }
});
