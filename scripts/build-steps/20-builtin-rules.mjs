// Compiles the built-in detectors (control-plane/detect/) into RuleSet version 0 and writes it
// for the filter (wasm-filter/assembly/generated/builtin-rules.ts) and the Apigee policy
// (apigee-sharedflow/build/builtin-rules.json). Both are generated and gitignored.
import { run as exec } from '../lib/run.mjs';

export const description = 'built-in detectors -> compiled RuleSet v0 (wasm + Apigee)';

export async function run({ root }) {
  const out = exec(process.execPath, ['--import', 'tsx', 'control-plane/detect/write-builtin-rules.ts', root], { cwd: root });
  return `(${out.trim()})`;
}
