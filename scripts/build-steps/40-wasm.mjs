// Compiles palisade.wasm (release and debug targets of asconfig.json) and refuses a module that
// Envoy would not link (wasm-filter/tools/check-imports.ts).
import { statSync } from 'node:fs';
import { run as exec, bin } from '../lib/run.mjs';

/** The generated rules this step embeds (scripts/build.mjs runs it first). */
export const needs = ['builtin-rules'];

export const description = 'palisade.wasm (AssemblyScript release + debug) + import check';

export async function run() {
  compile('release');
  compile('debug');
  exec(bin('tsx'), ['wasm-filter/tools/check-imports.ts', 'wasm-filter/build/palisade.wasm']);
  return `(${statSync('wasm-filter/build/palisade.wasm').size} bytes)`;
}

function compile(target) {
  exec(bin('asc'), ['--config', 'asconfig.json', '--target', target]);
}
