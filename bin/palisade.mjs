#!/usr/bin/env node
// The `palisade` command. The control plane is TypeScript run through tsx (no emit step), so the
// entry registers tsx's loader and hands over to control-plane/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../control-plane/cli/main.ts');
const stop = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
  stopSignal: stop,
});
process.exit(code);
