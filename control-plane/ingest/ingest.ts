// Ingest: turns a ReportBatch (proto-loader camelCase object, or the same shape parsed from the
// JSON form by /v1/reports) into one IngestUnit and hands it to the store. Batches that arrive
// while a commit is running, or within a few ms of the first waiting one, go together in the next
// transaction (group commit), so the cost of a commit is shared; a batch's promise resolves only
// after its transaction committed.
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Store } from '../store/types.ts';
import { buildUnit, DEFAULT_BATCH_LIMITS, prepareBatch, validateBatch, type BatchLimits, type PreparedBatch } from './batch-unit.ts';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.ts';

export type AckStatusName = 'ACK_STATUS_OK' | 'ACK_STATUS_DUPLICATE' | 'ACK_STATUS_REJECTED';

export interface IngestResult {
  status: AckStatusName;
  /** Events stored from this batch (0 for duplicates and rejections). */
  accepted: number;
  /** Why a batch was rejected; empty otherwise. */
  message: string;
}

export interface IngestOptions {
  store: Store;
  inventory: Inventory;
  limits?: Partial<BatchLimits>;
  /** Most events written in one transaction (default 20 000); more wait for the next commit. */
  maxEventsPerCommit?: number;
  /** A commit waits for this many events to gather (default 5 000) … */
  commitTargetEvents?: number;
  /** … or for this long after the first one (default 5 ms), whichever comes first. */
  commitLingerMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Ingest {
  /**
   * Stores one batch from `gatewayId` (the authenticated gateway). Resolves once it is durable
   * (OK), was already stored (DUPLICATE), or was refused (REJECTED with a message). Rejects only
   * when the store fails; the caller must then not ack the batch.
   */
  ingestBatch(gatewayId: string, batch: ReportBatch): Promise<IngestResult>;
  /** Events waiting for or inside the running commit: what the gRPC server's flow control watches. */
  pendingEvents(): number;
  readonly metrics: IngestMetrics;
  /** Waits for every queued batch to be committed. */
  drain(): Promise<void>;
}

interface Waiting {
  batch: PreparedBatch;
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

export function createIngest(options: IngestOptions): Ingest {
  const { store, inventory } = options;
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...(options.limits ?? {}) };
  const maxEventsPerCommit = options.maxEventsPerCommit ?? 20_000;
  const commitTargetEvents = Math.min(options.commitTargetEvents ?? 5_000, maxEventsPerCommit);
  const commitLingerMs = options.commitLingerMs ?? 5;
  const now = options.now ?? Date.now;
  const metrics = createIngestMetrics();
  let queue: Waiting[] = [];
  let queuedEvents = 0;
  let committingEvents = 0;
  let running: Promise<void> | null = null;

  /**
   * Lets a group fill before it commits: batches already read from the sockets in this turn of the
   * event loop, then for up to `commitLingerMs` more while fewer than `commitTargetEvents` wait. A
   * commit costs much the same for one batch as for twenty (the aggregate rows and index pages it
   * rewrites are the same ones), so committing each small batch alone spends most of the time there.
   */
  async function gatherGroup(): Promise<void> {
    const deadline = performance.now() + commitLingerMs;
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queuedEvents < commitTargetEvents && performance.now() < deadline) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
  }

  async function commitLoop(): Promise<void> {
    while (queue.length) {
      await gatherGroup();
      let take = 0;
      let events = 0;
      while (take < queue.length && (take === 0 || events + queue[take]!.batch.records.length <= maxEventsPerCommit)) {
        events += queue[take]!.batch.records.length;
        take++;
      }
      const group = queue.slice(0, take);
      queue = queue.slice(take);
      queuedEvents -= events;
      committingEvents = events;
      const started = performance.now();
      try {
        // Endpoint ids are resolved here, just before the commit, after any re-templating the
        // templater found while these batches were prepared has been applied to the store.
        const ids = await inventory.endpointIds(group.flatMap((w) => w.batch.endpointKeys));
        const receivedMs = now();
        let at = 0;
        const units = group.map((w) => {
          const n = w.batch.endpointKeys.length;
          const unit = buildUnit(w.batch, ids.slice(at, at + n), inventory, receivedMs);
          at += n;
          return unit;
        });
        const outcomes = await store.ingest.commit(units);
        metrics.observeCommit(group.length, events, performance.now() - started);
        group.forEach((w, i) => {
          if (outcomes[i] === 'stored') {
            metrics.inc('ingest_batches_stored_total');
            metrics.inc('ingest_events_stored_total', w.batch.records.length);
            w.resolve({ status: 'ACK_STATUS_OK', accepted: w.batch.records.length, message: '' });
          } else {
            metrics.inc('ingest_batches_duplicate_total');
            w.resolve({ status: 'ACK_STATUS_DUPLICATE', accepted: 0, message: '' });
          }
        });
      } catch (err) {
        metrics.inc('ingest_commit_failures_total');
        for (const w of group) w.reject(err);
      } finally {
        committingEvents = 0;
      }
    }
  }

  function schedule(): void {
    if (running) return;
    running = commitLoop().finally(() => {
      running = null;
      if (queue.length) schedule();
    });
  }

  return {
    metrics,
    pendingEvents: () => queuedEvents + committingEvents,
    async ingestBatch(gatewayId, batch) {
      metrics.inc('ingest_batches_received_total');
      const problem = validateBatch(gatewayId, batch, limits);
      if (problem) {
        metrics.inc('ingest_batches_rejected_total');
        metrics.inc(`ingest_rejected_${problem.code}_total`);
        return { status: 'ACK_STATUS_REJECTED', accepted: 0, message: problem.message };
      }
      const prepared = prepareBatch(batch, inventory, now(), limits);
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ batch: prepared, resolve, reject });
        queuedEvents += prepared.records.length;
        schedule();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
