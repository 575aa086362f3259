// Every ingest counter, declared once (docs/operations.md lists the same names). Rejections are
// counted per reason code: `ingest_rejected_<code>_total` for each code in REJECT_CODES.
import { REJECT_CODES } from './batch-unit.ts';

export const INGEST_COUNTERS = [
  'ingest_batches_received_total',
  'ingest_batches_stored_total',
  'ingest_batches_duplicate_total',
  'ingest_batches_rejected_total',
  'ingest_events_stored_total',
  'ingest_commits_total',
  'ingest_commit_failures_total',
  ...REJECT_CODES.map((c) => `ingest_rejected_${c}_total`),
] as const;

export interface IngestMetrics {
  inc(name: string, by?: number): void;
  observeCommit(batches: number, events: number, ms: number): void;
  /** Commits running at once, as one more starts (PostgreSQL overlaps two). */
  observeInFlight(commits: number): void;
  /** Counter values plus `ingest_commit_ms_max`, `ingest_commit_batches_max` and `ingest_commits_in_flight_max`. */
  snapshot(): Record<string, number>;
}

export function createIngestMetrics(): IngestMetrics {
  const values = new Map<string, number>(INGEST_COUNTERS.map((n) => [n, 0]));
  let commitMsMax = 0;
  let commitBatchesMax = 0;
  let inFlightMax = 0;
  return {
    inc(name, by = 1) {
      // Unknown names are a programming error caught by tests, not a new series per input.
      if (!values.has(name)) throw new Error(`undeclared ingest metric ${name}`);
      values.set(name, values.get(name)! + by);
    },
    observeCommit(batches, _events, ms) {
      values.set('ingest_commits_total', values.get('ingest_commits_total')! + 1);
      commitMsMax = Math.max(commitMsMax, ms);
      commitBatchesMax = Math.max(commitBatchesMax, batches);
    },
    observeInFlight(commits) {
      inFlightMax = Math.max(inFlightMax, commits);
    },
    snapshot() {
      return {
        ...Object.fromEntries(values),
        ingest_commit_ms_max: commitMsMax,
        ingest_commit_batches_max: commitBatchesMax,
        ingest_commits_in_flight_max: inFlightMax,
      };
    },
  };
}
