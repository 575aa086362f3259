// Assembles the Apigee shared flow: resources/jsc/ from apigee-sharedflow/src (ES5) plus the
// embedded built-in rules (apigee-sharedflow/build/builtin-rules.json, written by 20-builtin-rules),
// and the importable zip apigee-sharedflow/dist/palisade-sharedflow.zip.
import { run as exec } from '../lib/run.mjs';

/** The built-in rules this bundle embeds (scripts/build.mjs runs that step first). */
export const needs = ['builtin-rules'];

export const description = 'Apigee shared flow bundle (resources/jsc + zip)';

export async function run({ root }) {
  const out = exec(process.execPath, ['--import', 'tsx', 'apigee-sharedflow/tools/build.ts', root], { cwd: root });
  return `(${out.trim()})`;
}
