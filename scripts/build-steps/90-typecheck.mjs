// Type-checks all TypeScript (control plane, host, gateway, scripts, tests) in strict mode.
import { run as exec, bin } from '../lib/run.mjs';

export const description = 'TypeScript type-check (tsc --noEmit, strict)';

export async function run() {
  exec(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
}
