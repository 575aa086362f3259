#!/usr/bin/env node
// Runs every test suite and prints one closing line "N passed, N failed, N skipped":
// - node:   every *.test.ts / *.test.mjs (TypeScript through tsx) with node's test runner;
// - as-pect: AssemblyScript unit tests (wasm-filter/assembly/**/__tests__/*.spec.ts).
// Suites that need Rhino, Chromium or the databases are ordinary node tests that start them.
// Usage: node scripts/test.mjs [--suite node|aspect] [path-substring ...]
// With CI=true a skipped test fails the run: CI must never pass on tests that did not run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const args = process.argv.slice(2);
const suiteArg = args.indexOf('--suite');
const onlySuite = suiteArg >= 0 ? args[suiteArg + 1] : undefined;
const filters = args.filter((_a, i) => suiteArg < 0 || (i !== suiteArg && i !== suiteArg + 1));
const SKIP_DIRS = new Set(['node_modules', '.git', 'build', 'dist', 'gen', 'fixtures-build', '.cache']);

function findFiles(dir, pattern, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findFiles(path, pattern, out);
    else if (pattern.test(name)) out.push(relative(root, path));
  }
  return out;
}
const matches = (file) => filters.length === 0 || filters.some((f) => file.includes(f));

const total = { passed: 0, failed: 0, skipped: 0, failures: [] };

function runNodeSuite() {
  const files = findFiles(root, /\.test\.(ts|mjs)$/)
    .filter(matches)
    .sort();
  if (files.length === 0) return;
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'palisade-test-')), 'summary.json');
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-timeout=300000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/lib/test-summary-reporter.mjs',
      `--test-reporter-destination=${summaryFile}`,
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  let counts;
  try {
    counts = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0, failures: ['node test runner produced no summary'] };
  }
  if (result.status !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(`node test runner exited ${result.status} (a test file failed to load?)`);
  }
  add(counts);
}

function runAspectSuite() {
  const specs = findFiles(join(root, 'wasm-filter', 'assembly'), /\.spec\.ts$/).filter(matches);
  if (specs.length === 0) return;
  const result = spawnSync(process.execPath, ['node_modules/@as-pect/cli/bin/asp.js', '--config', 'as-pect.config.js'], {
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  process.stdout.write(output);
  // as-pect prints "[Tests]: <passed> / <total>"; colours are stripped before reading it.
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(plain);
  const passed = m ? Number(m[1]) : 0;
  const all = m ? Number(m[2]) : 0;
  const failed = result.status === 0 ? all - passed : Math.max(1, all - passed);
  add({ passed, failed, skipped: 0, failures: failed ? ['as-pect: see output above'] : [] });
}

function add(counts) {
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped ?? 0;
  total.failures.push(...(counts.failures ?? []));
}

if (!onlySuite || onlySuite === 'aspect') runAspectSuite();
if (!onlySuite || onlySuite === 'node') runNodeSuite();

if (total.failures.length) {
  console.log('\nFailures:');
  for (const f of total.failures) console.log(`  - ${f}`);
}
const ciSkips = process.env.CI === 'true' && total.skipped > 0;
if (ciSkips) console.log(`\n${total.skipped} test(s) skipped under CI=true: every required suite must run in CI.`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || ciSkips || total.passed === 0 ? 1 : 0);
