#!/usr/bin/env node
// Builds everything, in order: each file in scripts/build-steps/ is one step (NN-name.mjs,
// exporting `description` and `run()`), discovered so parts can add steps without touching this
// file. `node scripts/build.mjs proto wasm` runs only the steps whose names contain those words.
// A failing step stops the build with its own message and exit code 1.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const stepsDir = join(root, 'scripts', 'build-steps');
const only = process.argv.slice(2);
const files = readdirSync(stepsDir)
  .filter((f) => /^\d\d-.+\.mjs$/.test(f))
  .sort()
  .filter((f) => only.length === 0 || only.some((word) => f.includes(word)));

for (const file of files) {
  const step = await import(pathToFileURL(join(stepsDir, file)).href);
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
