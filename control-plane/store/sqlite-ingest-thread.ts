// Body of the SQLite ingest writer thread (started by sqlite-ingest-worker.mjs): its own connection
// to the store's file, the same SqliteIngestRepository transaction as in-thread ingest, one group of
// batches per message (merged, or batch by batch when one is a duplicate). The main thread keeps receiving and decoding while this one writes.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SqliteClient } from './sql-client.ts';
import { SqliteIngestRepository, type FlatIngestUnit, type MergedIngestGroup } from './sqlite-ingest.ts';

export interface IngestThreadData {
  file: string;
  /** Per-connection pragmas, the same as the main connection's (synchronous, busy_timeout, …). */
  pragmas: string[];
}

/** A group merged (commitMerged) or its units one by one (commitFlat). */
export type IngestThreadRequest = { id: number; units: FlatIngestUnit[] } | { id: number; group: MergedIngestGroup } | 'close';
/** `outcomes` null: the merged group had a duplicate, nothing was written (send its units). */
export type IngestThreadReply =
  | { id: number; outcomes: import('./types.ts').IngestOutcome[] | null }
  | { id: number; error: { message: string; code?: string } }
  | 'closed';

const { file, pragmas } = workerData as IngestThreadData;
const db = new Database(file);
for (const p of pragmas) db.pragma(p);
// Only `db` and `exclusive` are used by the repository; one message runs at a time here, so
// exclusive sections cannot interleave on this connection.
const client = { db, exclusive: <T>(fn: () => T) => Promise.resolve().then(fn) } as unknown as SqliteClient;
const repository = new SqliteIngestRepository(client);
const port = parentPort!;

port.on('message', (message: IngestThreadRequest) => {
  if (message === 'close') {
    db.close();
    port.postMessage('closed' satisfies IngestThreadReply);
    port.close();
    return;
  }
  const commit = 'group' in message ? repository.commitMerged(message.group) : repository.commitFlat(message.units);
  commit.then(
    (outcomes) => port.postMessage({ id: message.id, outcomes } satisfies IngestThreadReply),
    (err: unknown) => {
      const e = err as { message?: string; code?: string };
      port.postMessage({ id: message.id, error: { message: String(e?.message ?? err), code: e?.code } } satisfies IngestThreadReply);
    },
  );
});
