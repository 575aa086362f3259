// Loads wasm-filter/build/policy-harness.wasm (scripts/build-steps/45-filter-harness.mjs): the
// filter's own policy core and codec with a tiny export surface, for the shared vectors.
import { readFileSync } from 'node:fs';

export const HARNESS = 'wasm-filter/build/policy-harness.wasm';

interface HarnessExports {
  memory: { buffer: ArrayBuffer };
  alloc(size: number): number;
  evaluate(rp: number, rl: number, ip: number, il: number): number;
  encodeMessage(message: number, jp: number, jl: number): number;
  loadRuleSet(p: number, l: number): number;
}

export interface Harness {
  /** Policy vectors: RuleSet bytes + the vector's input JSON → verdict JSON. */
  evaluate(rules: Uint8Array, input: string): Record<string, unknown>;
  /** Codec vectors: the filter's encoder for 1 ApiEvent, 2 ReportBatch, 3 WatchRulesRequest. */
  encode(message: 1 | 2 | 3, json: string): Uint8Array;
  /** Codec vectors: RuleSet bytes loaded as a WatchRules push is → {version, policies, error}. */
  loadRuleSet(bytes: Uint8Array): Record<string, unknown>;
}

// The root tsconfig has no DOM lib, so the WebAssembly global is typed here by what we use.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }> };
  }
).WebAssembly;

export async function loadHarness(): Promise<Harness> {
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
  // AssemblyScript object header: the payload size (rtSize) sits 4 bytes before the data.
  const take = (ptr: number): Uint8Array => {
    const len = new DataView(exports.memory.buffer).getUint32(ptr - 4, true);
    return new Uint8Array(exports.memory.buffer.slice(ptr, ptr + len));
  };
  const json = (ptr: number) => JSON.parse(Buffer.from(take(ptr)).toString('utf8')) as Record<string, unknown>;
  return {
    evaluate(rules, input) {
      const inputBytes = Buffer.from(input, 'utf8');
      return json(exports.evaluate(put(rules), rules.length, put(inputBytes), inputBytes.length));
    },
    encode(message, text) {
      const bytes = Buffer.from(text, 'utf8');
      const out = take(exports.encodeMessage(message, put(bytes), bytes.length));
      const asText = Buffer.from(out).toString('utf8');
      if (asText.startsWith('error: ')) throw new Error(`harness: ${asText}`);
      return out;
    },
    loadRuleSet(bytes) {
      return json(exports.loadRuleSet(put(bytes), bytes.length));
    },
  };
}
