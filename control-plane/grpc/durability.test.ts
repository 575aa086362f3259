// Nothing acked is ever lost: a real control plane in a child process is SIGKILLed right after an
// ack (and again with batches in flight); every event acked before the kill must be in the store.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { openStore, type StoreConfig } from '../store/database.ts';
import { storeTargets, TEST_PG_URL } from '../store/testing.ts';
import { gatewayClient, openReport } from './test-client.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const CHILD = fileURLToPath(new URL('./report-server-main.ts', import.meta.url));

function startChild(config: StoreConfig): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`control plane exited early (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port }));
  });
}

function batch(gw: string, seq: number, n: number): ReportBatch {
  return {
    gatewayId: gw,
    bootId: 'boot',
    sequence: seq,
    events: Array.from({ length: n }, (_, i) => ({
      id: seq * 1000 + i,
      timestampMs: Date.now(),
      host: 'api.example.com',
      method: 'POST',
      path: `/v1/payments/${seq * 1000 + i}`,
      status: 201,
      latencyUs: 3000,
    })),
  };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

const targets = await storeTargets();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
  for (const t of targets) await t.cleanup();
});

async function configFor(dialect: 'sqlite' | 'postgres'): Promise<StoreConfig> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-crash-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return { kind: 'sqlite', dataDir: dir };
  }
  const schema = `crash_${process.pid}_${Date.now() % 100000}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
  return { kind: 'postgres', url: TEST_PG_URL, schema, poolSize: 2 };
}

for (const target of targets) {
  describe(`acked batches survive SIGKILL (${target.dialect})`, { skip: target.skip }, () => {
    it('kill between an ack and the next batch, then with batches in flight: every acked event is stored', async () => {
      const config = await configFor(target.dialect);
      const acked: string[] = [];

      // Round 1: send one batch at a time; kill right after the 5th ack, before sending the 6th.
      let { child, port } = await startChild(config);
      let client = gatewayClient(port);
      let s = openReport(client, 'tok-gw1');
      for (let seq = 1; seq <= 5; seq++) {
        s.stream.write(batch('gw1', seq, 50));
        const acks = await s.waitForAcks(seq);
        assert.equal(acks[seq - 1]?.status, 'ACK_STATUS_OK');
        for (let i = 0; i < 50; i++) acked.push(String(seq * 1000 + i));
      }
      child.kill('SIGKILL');
      await killed(child);
      client.close();

      // Round 2: a new process; pipeline 30 batches and kill as soon as 10 more acks arrived.
      ({ child, port } = await startChild(config));
      client = gatewayClient(port);
      s = openReport(client, 'tok-gw1');
      s.stream.on('error', () => undefined);
      for (let seq = 6; seq <= 35; seq++) s.stream.write(batch('gw1', seq, 100));
      await s.waitForAcks(10);
      child.kill('SIGKILL');
      await killed(child);
      client.close();
      for (const a of s.acks) {
        if (a.status !== 'ACK_STATUS_OK') continue;
        for (let i = 0; i < 100; i++) acked.push(String(Number(a.sequence) * 1000 + i));
      }

      const store = await openStore(config);
      try {
        const ids = new Set<string>();
        let cursor = '';
        do {
          const page = await store.events.list({ gatewayId: 'gw1', limit: 1000, cursor });
          for (const e of page.items) ids.add(e.eventId);
          cursor = page.nextCursor;
        } while (cursor);
        const missing = acked.filter((id) => !ids.has(id));
        assert.deepEqual(missing, [], `${missing.length} acked events missing`);
        assert.ok(acked.length >= 250 + 1000, `acked ${acked.length}`);
        // Resending after the crash is safe: acked batches come back DUPLICATE, not stored twice.
        const { child: c3, port: p3 } = await startChild(config);
        const cl3 = gatewayClient(p3);
        const s3 = openReport(cl3, 'tok-gw1');
        s3.stream.write(batch('gw1', 1, 50));
        const [dup] = await s3.waitForAcks(1);
        assert.equal(dup?.status, 'ACK_STATUS_DUPLICATE');
        cl3.close();
        c3.kill('SIGKILL');
        await killed(c3);
      } finally {
        await store.close();
      }
    });
  });
}
