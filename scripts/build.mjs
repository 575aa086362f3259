#!/usr/bin/env node
// Builds everything, in order: each file in scripts/build-steps/ is one step (NN-name.mjs,
// exporting `description` and `run()`), discovered so parts can add steps without touching this
// file. `node scripts/build.mjs proto wasm` runs only the steps whose names contain those words,
// plus the steps they name in `needs` (words too), so a partial build never compiles against a
// stale generated input (the wasm step embeds what the built-in rules step writes).
// A failing step stops the build with its own message and exit code 1.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const stepsDir = join(root, 'scripts', 'build-steps');
const only = process.argv.slice(2);
const all = readdirSync(stepsDir)
  .filter((f) => /^\d\d-.+\.mjs$/.test(f))
  .sort();
const steps = new Map();
for (const file of all) steps.set(file, await import(pathToFileURL(join(stepsDir, file)).href));

const words = new Set(only);
if (words.size > 0) {
  // Follow `needs` until nothing new is named.
  for (let grew = true; grew;) {
    grew = false;
    for (const [file, step] of steps) {
      if (![...words].some((w) => file.includes(w))) continue;
      for (const need of step.needs ?? []) {
        if (words.has(need)) continue;
        words.add(need);
        grew = true;
      }
    }
  }
}
const files = all.filter((f) => words.size === 0 || [...words].some((word) => f.includes(word)));

for (const file of files) {
  const step = steps.get(file);
  const started = Date.now();
  process.stdout.write(`build: ${step.description ?? file} ... `);
  try {
    const detail = await step.run({ root });
    console.log(`ok (${Date.now() - started} ms)${detail ? ` ${detail}` : ''}`);
  } catch (err) {
    console.log('FAILED');
    const message = err instanceof Error ? err.message : String(err);
    const lines = message.split('\n');
    const shown = lines.length > 60 ? [...lines.slice(0, 60), `... (${lines.length - 60} more lines)`] : lines;
    console.error(`build step ${file} failed: ${shown.join('\n')}`);
    process.exit(1);
  }
}
