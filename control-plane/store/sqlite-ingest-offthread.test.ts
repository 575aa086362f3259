// A file-backed SQLite store commits ingest groups on a worker thread with its own connection:
// acks follow the commit, duplicates are found, errors reject the commit as they did in-thread, a
// dead thread hands later commits to the main connection, and in-memory stores stay in-thread.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { after, it } from 'node:test';
import { openStore } from './database.ts';
import { OffThreadSqliteIngestRepository } from './sqlite-ingest-offthread.ts';
import { SqliteIngestRepository } from './sqlite-ingest.ts';
import { unit } from './test-units.ts';
import type { Store } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'palisade-ingest-thread-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function fileStore(): Promise<{ store: Store; ep: string }> {
  const store = await openStore({ kind: 'sqlite', dataDir: join(root, String(n++)) });
  const [ep] = (await store.endpoints.ensure([{ host: 'h.example', method: 'GET', pathTemplate: '/a' }], Date.now())) as [string];
  return { store, ep };
}
const eventCount = (store: Store) => store.sqlite!.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;

it('commits on the thread: stored, then duplicate, and the rows are visible to the main connection', async () => {
  const { store, ep } = await fileStore();
  assert.ok(store.ingest instanceof OffThreadSqliteIngestRepository);
  const units = [unit(1, ep, 30), unit(2, ep, 20)];
  assert.deepEqual(await store.ingest.commit(units), ['stored', 'stored']);
  assert.equal(eventCount(store), 50);
  assert.deepEqual(await store.ingest.commit([unit(2, ep, 20), unit(3, ep, 5)]), ['duplicate', 'stored']);
  assert.equal(eventCount(store), 55);
  const requests = store.sqlite!.prepare('SELECT requests FROM endpoints WHERE id = ?').pluck().get(ep);
  assert.equal(requests, 55);
  await store.close();
});

it('a group holding one batch twice stores it once, and its aggregates once', async () => {
  // The merged write refuses the group (a key repeats) and the units go again one by one.
  const { store, ep } = await fileStore();
  assert.deepEqual(await store.ingest.commit([unit(1, ep, 30), unit(2, ep, 4), unit(1, ep, 30)]), ['stored', 'stored', 'duplicate']);
  assert.equal(eventCount(store), 34);
  const minute = store.sqlite!.prepare('SELECT SUM(requests) FROM endpoint_minutes WHERE endpoint_id = ?').pluck().get(ep);
  assert.equal(minute, 34);
  const gateway = store.sqlite!.prepare("SELECT events_received FROM gateways WHERE id = 'gw-a'").pluck().get();
  assert.equal(gateway, 34);
  await store.close();
});

it('a failing commit rejects with the database error and stores nothing of its group', async () => {
  const { store, ep } = await fileStore();
  const bad = unit(1, ep, 3);
  (bad.events[1] as unknown as { host: null }).host = null;
  await assert.rejects(store.ingest.commit([unit(9, ep, 4), bad]), /NOT NULL/);
  assert.equal(eventCount(store), 0);
  assert.deepEqual(await store.ingest.commit([unit(9, ep, 4), unit(1, ep, 3)]), ['stored', 'stored']);
  await store.close();
});

it('when the thread dies, later commits are written by the main connection', async () => {
  const { store, ep } = await fileStore();
  assert.deepEqual(await store.ingest.commit([unit(1, ep, 2)]), ['stored']);
  const worker = (store.ingest as unknown as { worker: Worker }).worker;
  const exited = new Promise((r) => worker.once('exit', r));
  await worker.terminate();
  await exited;
  assert.deepEqual(await store.ingest.commit([unit(1, ep, 2), unit(2, ep, 3)]), ['duplicate', 'stored']);
  assert.equal(eventCount(store), 5);
  await store.close();
});

it('an in-memory store, which no second connection can share, commits in the main thread', async () => {
  const store = await openStore({ kind: 'sqlite', dataDir: ':memory:' });
  assert.ok(store.ingest instanceof SqliteIngestRepository);
  await store.close();
});
