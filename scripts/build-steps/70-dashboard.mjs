// Type-checks and builds the dashboard (Vite + Preact) into control-plane/dashboard/dist/, and
// reports the bundle size (raw and gzip) so growth is visible on every build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run as exec, bin } from '../lib/run.mjs';

export const description = 'dashboard (tsc + vite build)';

export async function run() {
  exec(bin('tsc'), ['-p', 'control-plane/dashboard/tsconfig.json']);
  exec(bin('vite'), ['build', '--config', 'control-plane/dashboard/vite.config.ts']);
  const dir = 'control-plane/dashboard/dist/assets';
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(dir)) {
    raw += statSync(join(dir, f)).size;
    gz += gzipSync(readFileSync(join(dir, f))).length;
  }
  return `(bundle ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzip)`;
}
