// The SQLite store checkpoints its WAL on a background thread: committed pages reach the database
// file without the writer checkpointing (its own threshold is far above what this test writes),
// and closing the store stops the thread and leaves a database another process can open.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore, SQLITE_FILE } from './database.ts';
import { unit } from './test-units.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-checkpoint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('copies committed WAL pages into the database file in the background, and stops on close', async () => {
  const store = await openStore({ kind: 'sqlite', dataDir: dir });
  const file = join(dir, SQLITE_FILE);
  const [ep] = (await store.endpoints.ensure([{ host: 'h.example', method: 'GET', pathTemplate: '/a' }], Date.now())) as [string];
  const before = statSync(file).size;
  const units = Array.from({ length: 40 }, (_, i) => unit(i + 1, ep, 50));
  assert.deepEqual(
    await store.ingest.commit(units),
    units.map(() => 'stored'),
  );
  let grown = false;
  for (let i = 0; i < 100 && !grown; i++) {
    await new Promise((r) => setTimeout(r, 50));
    grown = statSync(file).size > before;
  }
  assert.ok(grown, 'the database file grew without the writer checkpointing');
  await store.close();
  const db = new Database(file, { readonly: true });
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 2000);
  db.close();
});
