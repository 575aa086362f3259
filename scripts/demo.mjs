#!/usr/bin/env node
// `npm run demo`: the README's first command. Plain Node (no dependencies) because it runs before
// anything is installed: it installs the dependencies when they are missing, rebuilds what the demo
// runs (proto types, built-in rules, palisade.wasm, dashboard) when a source is newer than its
// output, then hands over to scripts/demo/run-demo.ts with the same arguments.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const say = (line) => process.stdout.write(`demo: ${line}\n`);

function runOrExit(command, commandArgs, what) {
  say(`${what} ...`);
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`demo: ${what} failed (exit ${r.status ?? r.signal}); see the output above\n`);
    process.exit(1);
  }
}

/** Newest modification time under `dir` (recursively), skipping build outputs. */
function newest(dir) {
  let latest = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'build' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else latest = Math.max(latest, statSync(p).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return latest;
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  runOrExit('npm', ['ci', '--no-audit', '--no-fund'], 'installing dependencies (npm ci, first run only)');
}

// Each output with the sources it is built from.
const outputs = [
  { out: 'wasm-filter/build/palisade.wasm', from: ['wasm-filter/assembly', 'control-plane/detect', 'proto'] },
  { out: 'control-plane/dashboard/dist/index.html', from: ['control-plane/dashboard/src'] },
  { out: 'proto/gen', from: ['proto/palisade'] },
  { out: 'control-plane/geo/build/asn.mmdb', from: ['control-plane/geo'] },
];
const stale = outputs.filter(({ out, from }) => mtime(join(root, out)) < Math.max(...from.map((d) => newest(join(root, d)))));
const wantsHelp = args.includes('--help') || args.includes('-h');
if (stale.length > 0 && !args.includes('--no-build') && !wantsHelp) {
  runOrExit(
    process.execPath,
    ['scripts/build.mjs', 'proto', 'builtin-rules', 'asn-mmdb', '40-wasm', 'dashboard'],
    `building ${stale.map((s) => s.out).join(', ')}`,
  );
}

const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo/run-demo.ts', ...args.filter((a) => a !== '--no-build')], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C in a terminal reaches the child through the process group; a signal sent to this process
// alone (a process manager, `kill`) is forwarded. The child ignores a repeated signal.
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
