// Ingest: takes ReportBatches (the decoded gRPC message, or the same shape parsed from the JSON
// form by /v1/reports) and hands them to the store. Batches that arrive while a commit is running,
// or within a few ms of the first waiting one, go together in the next transaction (group commit,
// batch-group.ts), so the cost of a commit is shared; a batch's promise resolves only after its
// transaction committed.
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Store } from '../store/types.ts';
import { BatchGroup } from './batch-group.ts';
import { DEFAULT_BATCH_LIMITS, validateBatch, type BatchLimits } from './batch-unit.ts';
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
   * when the store fails; the caller must then not ack the batch. `reread` gives the same batch
   * again, decoded anew, should its commit group meet a duplicate (batch-group.ts units); without
   * it the batch object itself is kept until its commit.
   */
  ingestBatch(gatewayId: string, batch: ReportBatch, reread?: () => ReportBatch): Promise<IngestResult>;
  /** Events waiting for or inside the running commit: what the gRPC server's flow control watches. */
  pendingEvents(): number;
  readonly metrics: IngestMetrics;
  /** Waits for every queued batch to be committed. */
  drain(): Promise<void>;
}

interface Waiting {
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
  reread: () => ReportBatch;
}

/** A group and the callers of its batches (waiting[i] for group.batches[i]). */
interface PendingGroup {
  group: BatchGroup;
  waiting: Waiting[];
}

export function createIngest(options: IngestOptions): Ingest {
  const { store, inventory } = options;
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...(options.limits ?? {}) };
  const maxEventsPerCommit = options.maxEventsPerCommit ?? 20_000;
  const commitTargetEvents = Math.min(options.commitTargetEvents ?? 5_000, maxEventsPerCommit);
  const commitLingerMs = options.commitLingerMs ?? 5;
  const now = options.now ?? Date.now;
  const metrics = createIngestMetrics();
  /** Groups waiting for their commit; new batches join the last one (while it has room). */
  const groups: PendingGroup[] = [];
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
    while (groups.length) {
      await gatherGroup();
      // Taken off the list: batches read from now on start the next group.
      const { group, waiting } = groups.shift()!;
      const events = group.eventCount;
      queuedEvents -= events;
      committingEvents = events;
      const started = performance.now();
      try {
        // Endpoint ids are resolved here, just before the commit, after any re-templating the
        // templater found while these batches were prepared has been applied to the store.
        const ids = await inventory.endpointIds(group.endpointKeys);
        const receivedMs = now();
        const outcomes =
          (await store.ingest.commitGroup(group.build(ids, receivedMs))) ??
          (await store.ingest.commit(group.units(ids, receivedMs, (i) => waiting[i]!.reread())));
        metrics.observeCommit(waiting.length, events, performance.now() - started);
        waiting.forEach((w, i) => {
          const accepted = group.batches[i]!.records.length;
          if (outcomes[i] === 'stored') {
            metrics.inc('ingest_batches_stored_total');
            metrics.inc('ingest_events_stored_total', accepted);
            w.resolve({ status: 'ACK_STATUS_OK', accepted, message: '' });
          } else {
            metrics.inc('ingest_batches_duplicate_total');
            w.resolve({ status: 'ACK_STATUS_DUPLICATE', accepted: 0, message: '' });
          }
        });
      } catch (err) {
        metrics.inc('ingest_commit_failures_total');
        for (const w of waiting) w.reject(err);
      } finally {
        committingEvents = 0;
      }
    }
  }

  function schedule(): void {
    if (running) return;
    running = commitLoop().finally(() => {
      running = null;
      if (groups.length) schedule();
    });
  }

  return {
    metrics,
    pendingEvents: () => queuedEvents + committingEvents,
    async ingestBatch(gatewayId, batch, reread) {
      metrics.inc('ingest_batches_received_total');
      const problem = validateBatch(gatewayId, batch, limits);
      if (problem) {
        metrics.inc('ingest_batches_rejected_total');
        metrics.inc(`ingest_rejected_${problem.code}_total`);
        return { status: 'ACK_STATUS_REJECTED', accepted: 0, message: problem.message };
      }
      const count = batch.events?.length ?? 0;
      let open = groups[groups.length - 1];
      if (!open || (open.group.eventCount > 0 && open.group.eventCount + count > maxEventsPerCommit)) {
        groups.push((open = { group: new BatchGroup(inventory, limits), waiting: [] }));
      }
      open.group.add(batch, now());
      const pending = open;
      return new Promise<IngestResult>((resolve, reject) => {
        pending.waiting.push({ resolve, reject, reread: reread ?? (() => batch) });
        queuedEvents += count;
        schedule();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
