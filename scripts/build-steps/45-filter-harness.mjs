// Compiles policy-harness.wasm: the filter's policy core (decode RuleSet → match → verdict) and its
// protobuf codec with a tiny export surface, so test/filter/policy-vectors.test.ts and
// codec-vectors.test.ts run the shared vectors on the same AssemblyScript code palisade.wasm is
// built from. Its own asconfig keeps the root
// asconfig.json (palisade.wasm's entries) out of this compilation.
import { statSync } from 'node:fs';
import { run as exec, bin } from '../lib/run.mjs';

export const description = 'policy-harness.wasm (the filter policy core and codec for the shared vectors)';

const HARNESS_WASM = 'wasm-filter/build/policy-harness.wasm';

export async function run() {
  exec(bin('asc'), ['--config', 'wasm-filter/assembly/harness/asconfig.json']);
  return `(${statSync(HARNESS_WASM).size} bytes)`;
}
