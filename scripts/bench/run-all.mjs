#!/usr/bin/env node
// Runs every benchmark: scripts/bench/**/*.bench.{ts,mjs}. Each benchmark prints its figure, the
// baseline it measured in the same run and the ratio (STYLE.md §11). `npm run bench -- detect`
// runs only benchmarks whose path contains "detect".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'scripts', 'bench');
const filters = process.argv.slice(2);
const found = [];
(function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.bench\.(ts|mjs)$/.test(name)) found.push(relative(root, p));
  }
})(dir);
const selected = found.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${file}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
console.log(`\n${selected.length} benchmarks run, ${failed} failed`);
process.exit(failed ? 1 : 0);
