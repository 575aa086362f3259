// The `palisade` command as installed (bin/palisade.mjs): token creation prints the token once on
// stdout; `control-plane` serves with it and stops cleanly on SIGTERM; bad config names the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

test('gateway runs the dev gateway from a config file, proxies, and exits 0 on SIGTERM; a bad config exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
  const upstream = createServer((_req, res) => res.end('upstream says hi'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  try {
    const wasm = fileURLToPath(new URL('../../wasm-filter/build/palisade.wasm', import.meta.url));
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }\nupstream: 127.0.0.1:${(upstream.address() as AddressInfo).port}\nfilter:\n  wasm: ${wasm}\n  workers: 1\n  config: {}\n`,
    );
    const child = spawn(process.execPath, [BIN, 'gateway', '--config', config]);
    let stdout = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /"port":(\d+)/.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/anything`);
    assert.equal(await res.text(), 'upstream says hi');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);

    writeFileSync(config, `listen: { host: 127.0.0.1, port: 0 }\nupstream: nowhere\nfilter: { wasm: ${wasm} }\n`);
    const bad = run(['gateway', '--config', config]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /failed to start.*upstream/);
  } finally {
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scan and discover are reachable through the palisade command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
  try {
    const messages = join(dir, 'messages.jsonl');
    writeFileSync(
      messages,
      JSON.stringify({ id: 'm1', kind: 'response', headers: {}, body: '{"card":"4111111111111111"}', contentType: 'application/json' }) +
        '\n',
    );
    const scan = run(['scan', messages]);
    assert.equal(scan.status, 0, scan.stderr);
    assert.match(scan.stdout, /credit_card/);
    assert.doesNotMatch(scan.stdout, /4111111111111111/, 'findings are masked');

    const capture = join(dir, 'capture.jsonl');
    const exchanges = [101, 102, 103].map((id) =>
      JSON.stringify({
        ts: 1_767_225_600_000 + id,
        method: 'GET',
        url: `/v1/users/${id}`,
        host: 'api.example.com',
        requestHeaders: {},
        status: 200,
        responseHeaders: { 'content-type': 'application/json' },
        responseBody: `{"id":${id}}`,
      }),
    );
    writeFileSync(capture, exchanges.join('\n') + '\n');
    const out = join(dir, 'openapi.json');
    const discover = run(['discover', capture, '--out', out]);
    assert.equal(discover.status, 0, discover.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\.1/);
    assert.ok(
      Object.keys(doc.paths).some((p) => /^\/v1\/users\/\{[A-Za-z]+\}$/.test(p)),
      Object.keys(doc.paths).join(', '),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
