// The `palisade` command as installed (bin/palisade.mjs): token creation prints the token once on
// stdout; `control-plane` serves with it and stops cleanly on SIGTERM; bad config names the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

test('token create prints only the token on stdout; bad roles and config are usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
  try {
    const ok = run(['token', 'create', '--name', 'ops', '--role', 'operator', '--data-dir', dir]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^pal_[A-Za-z0-9_-]{43}\n$/);
    assert.match(ok.stderr, /operator token tok_[0-9a-f]+ "ops"/);
    const bad = run(['token', 'create', '--name', 'x', '--role', 'root', '--data-dir', dir]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--role must be viewer, operator or admin/);
    const cfg = run(['control-plane', '--data-dir', dir], { PALISADE_GRPC_PORT: '70000' });
    assert.equal(cfg.status, 2);
    assert.match(cfg.stderr, /config field grpc\.port: must be <= 65535/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('control-plane serves the API with a CLI-made gateway token and exits 0 on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
  try {
    const token = run(['token', 'create', '--gateway', 'edge-cli', '--data-dir', dir]).stdout.trim();
    const child = spawn(
      process.execPath,
      [BIN, 'control-plane', '--data-dir', dir, '--host', '127.0.0.1', '--grpc-port', '0', '--http-port', '0'],
      {
        env: { ...process.env, PALISADE_LOG_LEVEL: 'warn' },
      },
    );
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /HTTP on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/v1/rules`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('etag'));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
