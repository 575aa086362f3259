// SQLite ingest on a worker thread: the commit of a group of batches (event rows, aggregate
// upserts, dedup) runs in sqlite-ingest-thread.ts on its own connection, so the main thread's one
// core goes to gRPC, decoding and preparing the next batches meanwhile. Semantics are those of the
// in-thread repository: a commit resolves only after its transaction committed in the worker (then
// the batch may be acked); it runs inside the main connection's exclusive section, so main-thread
// transactions never wait on the worker's write lock in a blocking busy loop; ingest keeps one
// group in flight, so the queue between the threads holds at most one group (flow control stays
// with ingest's pending count). Errors reject the commit as before. If the thread dies, the group
// in flight is rejected (not acked, the gateway resends, dedup absorbs a commit that did happen)
// and later groups are written in-thread.
import { Worker } from 'node:worker_threads';
import type { SqliteClient } from './sql-client.ts';
import type { IngestThreadData, IngestThreadReply, IngestThreadRequest } from './sqlite-ingest-thread.ts';
import { packedTransfer } from './packed-events.ts';
import { mergeUnits } from './merge-deltas.ts';
import { flattenUnit, packGroup, SqliteIngestRepository, type MergedIngestGroup } from './sqlite-ingest.ts';
import type { IngestGroup, IngestOutcome, IngestRepository, IngestUnit } from './types.ts';

interface Pending {
  resolve: (outcomes: IngestOutcome[] | null) => void;
  reject: (err: unknown) => void;
}

export class OffThreadSqliteIngestRepository implements IngestRepository {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  /** Set once the thread is gone: commits then run on the main connection. */
  private fallback: SqliteIngestRepository | null = null;
  private closing = false;

  constructor(
    private readonly client: SqliteClient,
    data: IngestThreadData,
  ) {
    this.worker = new Worker(new URL('./sqlite-ingest-worker.mjs', import.meta.url), { workerData: data });
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (reply: IngestThreadReply) => {
      if (reply === 'closed') return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('outcomes' in reply) p.resolve(reply.outcomes);
      else p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    });
    // Called on 'error' and again on the 'exit' that follows it: the first call does the work.
    const gone = (err?: unknown) => {
      if (this.fallback) return;
      this.fallback = new SqliteIngestRepository(client);
      const why = err instanceof Error ? err.message : 'exited';
      for (const p of this.pending.values()) p.reject(new Error(`SQLite ingest thread stopped: ${why}`));
      this.pending.clear();
      if (!this.closing) process.stderr.write(`palisade: SQLite ingest thread stopped (${why}); writing in the main thread\n`);
    };
    this.worker.on('error', gone);
    this.worker.once('exit', () => gone());
  }

  commit(units: IngestUnit[]): Promise<IngestOutcome[]> {
    if (units.length === 0) return Promise.resolve([]);
    // The fallback takes the exclusive section itself.
    if (this.fallback) return this.fallback.commit(units);
    // Merged and packed here, outside the exclusive section (packGroup says why). In the rare group
    // with a duplicate the thread writes nothing and the units go again one by one, in the same section.
    const group = packGroup(mergeUnits(units));
    return this.client.exclusive(async () => {
      const outcomes = await this.sendGroup(group);
      return outcomes ?? (await this.send((id) => ({ id, units: units.map(flattenUnit) })))!;
    });
  }

  commitGroup(group: IngestGroup): Promise<IngestOutcome[] | null> {
    if (this.fallback) return this.fallback.commitGroup(group);
    const packed = packGroup(group);
    return this.client.exclusive(() => this.sendGroup(packed));
  }

  private sendGroup(group: MergedIngestGroup): Promise<IngestOutcome[] | null> {
    return this.send((id) => ({ id, group }), Array.isArray(group.events) ? [] : packedTransfer(group.events));
  }

  private send(request: (id: number) => IngestThreadRequest, transfer: ArrayBuffer[] = []): Promise<IngestOutcome[] | null> {
    if (this.fallback) throw new Error('SQLite ingest thread stopped');
    const id = this.nextId++;
    return new Promise<IngestOutcome[] | null>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Referenced only while a commit is in flight: an idle store never keeps the process alive.
      this.worker.ref();
      this.worker.postMessage(request(id), transfer);
    });
  }

  /** After the last commit (callers wait for the exclusive queue first): closes the thread's connection. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.fallback) return;
    this.worker.postMessage('close');
    const timer = setTimeout(() => void this.worker.terminate(), 2_000);
    await this.exited;
    clearTimeout(timer);
  }
}
