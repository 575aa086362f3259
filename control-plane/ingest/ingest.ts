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
  /** The loop starting commits, while it runs. */
  let running: Promise<void> | null = null;
  /** Commits running (at most maxInFlight), and the one started last. */
  const inFlight = new Set<Promise<void>>();
  let lastCommit: Promise<void> = Promise.resolve();
  const maxInFlight = store.ingest.overlapsCommits ? 2 : 1;

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

  /**
   * Commits one group and settles its callers; never rejects (a failed commit rejects the callers,
   * who then do not ack). `ids` resolves the group's endpoint ids (rejecting fails the group);
   * `after` settles when the previous group's commit has: a store that overlaps commits
   * (store.ingest.overlapsCommits) writes nothing another commit could hold before.
   */
  async function commitGroup({ group, waiting }: PendingGroup, ids: Promise<string[]>, after: Promise<void>): Promise<void> {
    const events = group.eventCount;
    const started = performance.now();
    try {
      const resolved = await ids;
      const receivedMs = now();
      const outcomes =
        (await store.ingest.commitGroup(group.build(resolved, receivedMs), { after })) ??
        (await store.ingest.commit(group.units(resolved, receivedMs, (i) => waiting[i]!.reread())));
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
      committingEvents -= events;
    }
  }

  /** Takes gathered groups off the list and starts their commits, as many at once as the store allows. */
  async function commitLoop(): Promise<void> {
    while (groups.length) {
      if (inFlight.size >= maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      await gatherGroup();
      // Re-templating rewrites endpoints a commit in flight may be writing to: it waits for them.
      if (inFlight.size && inventory.retemplatesPending()) await Promise.all(inFlight);
      // Taken off the list: batches read from now on start the next group.
      const pending = groups.shift()!;
      queuedEvents -= pending.group.eventCount;
      committingEvents += pending.group.eventCount;
      // Endpoint ids are resolved here, one group after the other (creating endpoints, applying any
      // re-templating the templater found while these batches were prepared), before the commit.
      const ids = inventory.endpointIds(pending.group.endpointKeys);
      await ids.catch(() => undefined);
      const commit = commitGroup(pending, ids, lastCommit);
      lastCommit = commit;
      inFlight.add(commit);
      metrics.observeInFlight(inFlight.size);
      void commit.then(() => inFlight.delete(commit));
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
      while (running || inFlight.size) await (running ?? Promise.all(inFlight));
    },
  };
}
