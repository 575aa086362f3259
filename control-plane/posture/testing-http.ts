// For posture route tests: a control plane on SQLite or PostgreSQL (its own schema, dropped after),
// tokens, a small HTTP client and report batches in the gateway's JSON form.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';
import { TEST_PG_URL } from '../store/testing.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface TestPlane {
  cp: ControlPlane;
  tokens: { gateway: string; viewer: string; operator: string };
  call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }>;
  report(events: Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPlane(
  dialect: Dialect,
  posture: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<TestPlane> {
  const dir = dialect === 'sqlite' ? mkdtempSync(join(tmpdir(), 'palisade-posture-')) : '';
  const schema = `t_${process.pid}_${randomBytes(5).toString('hex')}`;
  const store = dialect === 'sqlite' ? { dataDir: dir } : { postgres: { url: TEST_PG_URL, schema, poolSize: 4 } };
  const cp = await startControlPlane(
    { ...store, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' }, posture },
    { detectionEngine: EMPTY_DETECTION_ENGINE, extra },
  );
  const tokens = {
    gateway: await cp.createToken('gw', 'gateway', 'gw-1'),
    viewer: await cp.createToken('viewer', 'viewer'),
    operator: await cp.createToken('ops', 'operator'),
  };
  let sequence = 0;
  const call: TestPlane['call'] = async (method, path, token, body, contentType) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = contentType ?? (typeof body === 'string' ? 'text/plain' : 'application/json');
    }
    const res = await fetch(cp.httpUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    if (/^application\/(problem\+)?json/.test(res.headers.get('content-type') ?? '') && text)
      json = JSON.parse(text) as Record<string, unknown>;
    return { status: res.status, json, text, headers: res.headers };
  };
  return {
    cp,
    tokens,
    call,
    async report(events) {
      sequence++;
      const now = Date.now();
      const batch = {
        gatewayId: 'gw-1',
        bootId: 'boot-1',
        sequence: String(sequence),
        sentAtMs: String(now),
        events: events.map((e, i) => ({
          id: String(sequence * 1000 + i),
          timestampMs: String(now),
          latencyUs: 1000,
          clientIp: '203.0.113.9',
          ...e,
        })),
      };
      const r = await call('POST', '/v1/reports', tokens.gateway, batch);
      if (r.status !== 200 || r.json.status !== 'ACK_STATUS_OK') throw new Error(`report refused: ${r.text}`);
    },
    async close() {
      await cp.close();
      if (dialect === 'sqlite') rmSync(dir, { recursive: true, force: true });
      else {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      }
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
