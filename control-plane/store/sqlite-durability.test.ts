// What an ack promises on SQLite: with the default `synchronous: 'full'` every commit is fsynced
// (an acked batch survives a power loss); `normal` is the documented opt-out (a killed process
// loses nothing, a power loss may lose the last commits).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openStore } from './database.ts';

const root = mkdtempSync(join(tmpdir(), 'palisade-durability-'));
after(() => rmSync(root, { recursive: true, force: true }));

// PRAGMA synchronous reads 1 for NORMAL, 2 for FULL.
const syncOf = async (synchronous?: 'full' | 'normal') => {
  const store = await openStore({ kind: 'sqlite', dataDir: join(root, synchronous ?? 'default'), ...(synchronous ? { synchronous } : {}) });
  try {
    return [store.sqlite!.pragma('synchronous', { simple: true }), store.sqlite!.pragma('journal_mode', { simple: true })];
  } finally {
    await store.close();
  }
};

it('fsyncs every commit by default, in WAL mode', async () => {
  assert.deepEqual(await syncOf(), [2, 'wal']);
  assert.deepEqual(await syncOf('full'), [2, 'wal']);
});

it('normal is there when asked for', async () => {
  assert.deepEqual(await syncOf('normal'), [1, 'wal']);
});
