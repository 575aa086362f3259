// `node --import tsx apigee-sharedflow/tools/build.ts [root]`: the one command that assembles the
// bundle (resources/jsc/ and dist/palisade-sharedflow.zip). Run by scripts/build-steps/60-apigee-bundle.mjs.
import { fileURLToPath } from 'node:url';
import { buildBundle, pathsFrom } from './bundle.ts';

const root = process.argv[2] ?? fileURLToPath(new URL('../..', import.meta.url));
const result = buildBundle(pathsFrom(root));
// One line: the build step shows it next to "ok".
console.log([`${result.bytes} bytes`, ...result.warnings.map((w) => `warning: ${w}`)].join('; '));
