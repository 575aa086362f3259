// The store's public shapes: plain objects (camelCase fields, Unix-millisecond times) returned by
// every repository, and the repository interfaces both dialects implement. Callers (ingest, the
// REST API, posture) depend on these, never on SQL or on which database is behind them.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { FieldValueDelta } from '../inventory/value-sketch.ts';
import type { MergedDeltas } from './merge-deltas.ts';

export type { FieldValueDelta };

export type Dialect = 'sqlite' | 'postgres';

/** Latency histogram bucket upper bounds in microseconds; the last bucket is open-ended. */
export const LATENCY_BOUNDS_US: readonly number[] = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
];
/** Number of histogram buckets (bounds + one open-ended bucket). */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_US.length + 1;

/** Counts of responses by status class; `s0xx` counts exchanges that produced no response. */
export interface StatusCounts {
  s0xx: number;
  s1xx: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
}

/** Identifies one ReportBatch for deduplication: a replayed batch has the same key. */
export interface BatchKey {
  gatewayId: string;
  bootId: string;
  /** uint64 as a decimal string. */
  sequence: string;
}

/** One raw event as stored (bounded by the events retention). */
export interface EventRecord {
  gatewayId: string;
  /** Gateway-local event id, uint64 as a decimal string. */
  eventId: string;
  /** When the exchange started, as reported by the gateway. */
  timestampMs: number;
  /** When the control plane stored it (the partition key; server clock). */
  receivedMs: number;
  host: string;
  method: string;
  path: string;
  /** Inventory endpoint the event was attributed to. */
  endpointId: string;
  status: number;
  latencyUs: number;
  requestBytes: number;
  responseBytes: number;
  clientIp: string;
  /** Upstream (destination) IP the gateway forwarded to, '' when none was contacted. */
  upstreamIp: string;
  /** AuthScheme enum name (`AUTH_SCHEME_JWT`), empty when unknown. */
  authScheme: string;
  findingCount: number;
  /** Action enum name of the verdict, empty when no policy matched. */
  action: string;
  rulesVersion: string;
  /** JSON of the remaining detail (params, shapes, findings without values, verdict, user agent). */
  detail: string;
}

/** Additive per-endpoint counters for one minute. */
export interface MinuteAggregate extends StatusCounts {
  endpointId: string;
  /** Start of the minute, Unix ms (multiple of 60 000). */
  minuteMs: number;
  requests: number;
  findings: number;
  blocked: number;
  requestBytes: number;
  responseBytes: number;
  latencySumUs: number;
  /** Counts per LATENCY_BOUNDS_US bucket, length LATENCY_BUCKETS. */
  latency: number[];
}

/** Additive per-endpoint lifetime counters written by ingest. */
export interface EndpointDelta extends StatusCounts {
  endpointId: string;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
  latency: number[];
  /** Bit set of AuthScheme values seen (bit n = enum number n). */
  authMask: number;
  internalRequests: number;
  externalRequests: number;
}

/** Where a parameter or body field lives. */
export type FieldLocation = 'path' | 'query' | 'header' | 'cookie' | 'request' | 'response';

/** One parameter or body field of an endpoint: name (or JSON path) and the JSON types seen. */
export interface EndpointField {
  endpointId: string;
  location: FieldLocation;
  /** Parameter name, or JSON path (`$.orders[].id`) for bodies. */
  name: string;
  /** Bit set of JsonType values seen (bit n = enum number n). */
  typeMask: number;
  /** Last non-empty format hint (`uuid`, `date-time`…). */
  format: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** A sensitive-data type seen on an endpoint (summary, no values). */
export interface EndpointFindingSummary {
  endpointId: string;
  type: string;
  /** Direction enum name. */
  direction: string;
  /** DataCategory enum name. */
  category: string;
  count: number;
  /** Distinct values by keyed hash (exact up to FINDING_DISTINCT_CAP, then a lower bound). */
  distinctValues: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** Distinct value hashes kept per endpoint and finding type; past it `distinctValues` saturates. */
export const FINDING_DISTINCT_CAP = 1000;

export interface FindingDelta {
  endpointId: string;
  type: string;
  direction: string;
  category: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Hex of Finding.value_hash values (may repeat; the store keeps each once). */
  valueHashes: string[];
}

/** What an endpoint_observations row counts: a field's string format, or the endpoint's JWT `alg`. */
export type ObservationKind = 'format' | 'jwt_alg';

/** Additive count of one categorical observation (location and name are '' for `jwt_alg`). */
export interface ObservationDelta {
  endpointId: string;
  kind: ObservationKind;
  location: FieldLocation | '';
  name: string;
  value: string;
  count: number;
}

/** An inventory endpoint with its lifetime counters. */
export interface EndpointRecord extends StatusCounts {
  id: string;
  host: string;
  method: string;
  pathTemplate: string;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
  latency: number[];
  latencyP50Us: number;
  latencyP95Us: number;
  latencyP99Us: number;
  /** AuthScheme enum names seen. */
  authSchemes: string[];
  internalRequests: number;
  externalRequests: number;
  /** True when every request seen came from a configured internal network. */
  internal: boolean;
  /** 0-100, written by posture evaluation (recordPosture); 0 until the first evaluation. */
  riskScore: number;
  /** Posture classes from the last evaluation; empty = known (documented, or no specs yet). */
  postureClasses: PostureClass[];
}

/** Posture classes an endpoint can be in at once (see control-plane/posture/endpoint-classes.ts). */
export const POSTURE_CLASSES = ['shadow', 'zombie', 'orphaned'] as const;
export type PostureClass = (typeof POSTURE_CLASSES)[number];
/** Bit of each class in `endpoints.posture_classes`. */
export const POSTURE_CLASS_BITS: Readonly<Record<PostureClass, number>> = { shadow: 1, zombie: 2, orphaned: 4 };

/** What one posture evaluation says of an endpoint, written back for sorting and filtering. */
export interface EndpointPostureUpdate {
  key: EndpointKey;
  /** Clamped to 0-100 and rounded. */
  riskScore: number;
  classes: readonly PostureClass[];
}

/** Key of an endpoint: unique in the inventory. */
export interface EndpointKey {
  host: string;
  method: string;
  pathTemplate: string;
}

/** What a gateway says about itself (WatchRules hello, or a ReportBatch). */
export interface GatewayInfo {
  id: string;
  /** GatewayKind enum name. */
  kind: string;
  version: string;
  hostname: string;
  bootId: string;
}

/** Counters a ReportBatch carries, applied when its batch is stored. */
export interface GatewayDelta {
  gatewayId: string;
  bootId: string;
  seenMs: number;
  /** Events stored from this batch. */
  eventsReceived: number;
  /** Gateway's cumulative events_dropped since its boot (GatewayCounters). */
  eventsDroppedSinceBoot: number;
  /** Gateway's cumulative requests_seen since its boot. */
  requestsSeenSinceBoot: number;
}

export interface GatewayRecord {
  id: string;
  kind: string;
  version: string;
  hostname: string;
  bootId: string;
  firstSeenMs: number;
  lastHeartbeatMs: number;
  eventsReceived: number;
  /** Dropped at the gateway across all its boots, as it reported. */
  eventsDropped: number;
  requestsSeen: number;
  rulesVersionAcked: number;
  rulesVersionRejected: number;
  rejectReason: string;
  /** True while at least one WatchRules stream is open to some replica. */
  connected: boolean;
}

/** Everything one ReportBatch changes; written atomically (all or nothing) by IngestRepository. */
export interface IngestUnit {
  key: BatchKey;
  events: EventRecord[];
  minutes: MinuteAggregate[];
  endpoints: EndpointDelta[];
  fields: EndpointField[];
  findings: FindingDelta[];
  /** Format and JWT alg counts (absent in units built before they were kept). */
  observations?: ObservationDelta[];
  /** Value-hash sketch rows (inventory/value-sketch.ts; absent in units built before they were kept). */
  fieldValues?: FieldValueDelta[];
  gateway: GatewayDelta;
}

export type IngestOutcome = 'stored' | 'duplicate';

/**
 * Several batches written as one (ingest's commit group), their aggregates merged before the store
 * sees them: one row per aggregate key for the whole group (mergeDeltas' form, sorted).
 */
export interface IngestGroup {
  keys: { key: BatchKey; eventCount: number }[];
  /** Every batch's events, batch after batch. */
  events: EventRecord[];
  merged: MergedDeltas;
  gateways: GatewayDelta[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; empty on the last page. */
  nextCursor: string;
}

export interface PageQuery {
  /** 1-1000, default 100. */
  limit?: number;
  cursor?: string;
}

/** Hot write path: many batches in one transaction (group commit). */
export interface IngestRepository {
  /**
   * Writes every unit whose BatchKey is new and returns, per unit in order, whether it was
   * stored or already present. Resolves only after the transaction committed.
   */
  commit(units: IngestUnit[]): Promise<IngestOutcome[]>;
  /**
   * Writes a group when every one of its batch keys is new, all in one transaction, and returns
   * 'stored' for each. When one is not (a duplicate, or a key twice in the group) it writes nothing
   * and returns null: the caller then commits the batches as units (commit) to find out which.
   */
  commitGroup(group: IngestGroup, options?: CommitGroupOptions): Promise<IngestOutcome[] | null>;
  /**
   * True when a commitGroup may start before the previous one settled, given that one's promise as
   * `after` (PostgreSQL: the server works on one while the control plane prepares the next). Rows
   * other commits may hold are still written in group order.
   */
  readonly overlapsCommits?: boolean;
}

export interface CommitGroupOptions {
  /** Settles when the previous group's commit has (never rejects): nothing it could hold is touched before. */
  after?: Promise<unknown>;
}

export interface EventQuery extends PageQuery {
  gatewayId?: string;
  endpointId?: string;
  fromMs?: number;
  toMs?: number;
}

export interface EventRepository {
  /** Newest first. */
  list(query: EventQuery): Promise<Page<EventRecord>>;
  count(query?: { gatewayId?: string; endpointId?: string }): Promise<number>;
  /** Drops partitions / rows received before `beforeMs`; returns rows (or partitions) removed. */
  prune(beforeMs: number): Promise<number>;
}

export interface AggregateRepository {
  /** Minutes of one endpoint in [fromMs, toMs), oldest first. */
  series(endpointId: string, fromMs: number, toMs: number): Promise<MinuteAggregate[]>;
  prune(beforeMs: number): Promise<number>;
}

/** Sort keys of the endpoint list; each pages by (key, id). */
export const ENDPOINT_SORTS = ['id', 'path', 'host', 'method', 'requests', 'last_seen', 'first_seen', 'risk'] as const;
export type EndpointSort = (typeof ENDPOINT_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

export interface EndpointQuery extends PageQuery {
  host?: string;
  method?: string;
  /** Case-insensitive substring of the path template or the host. */
  search?: string;
  /** Endpoints in this posture class; `known` = in none. */
  postureClass?: PostureClass | 'known';
  /** true: with at least one sensitive-data finding; false: with none. */
  sensitive?: boolean;
  /** Default `id`. */
  sort?: EndpointSort;
  /** Default: descending for requests, last_seen, first_seen and risk; ascending otherwise. */
  order?: SortOrder;
}

export interface EndpointRepository {
  /** Ids for keys, creating endpoints that do not exist yet (stable: deterministic from the key). */
  ensure(keys: EndpointKey[], nowMs: number): Promise<string[]>;
  /** Resolves aliases left by re-templating. */
  get(id: string): Promise<EndpointRecord | null>;
  list(query: EndpointQuery): Promise<Page<EndpointRecord> & { total: number }>;
  fields(id: string): Promise<EndpointField[]>;
  /**
   * Re-templating: `keepId`'s endpoint takes `newTemplate` (keeping its id); `mergeIds` are folded
   * into it (counters added) and become aliases of `keepId`.
   */
  retemplate(keepId: string, newTemplate: string, mergeIds: string[]): Promise<void>;
  count(): Promise<number>;
  /**
   * Writes posture (risk score, classes) onto the endpoints with these keys; keys not in the
   * inventory are ignored. Returns the number of endpoints updated.
   */
  recordPosture(updates: readonly EndpointPostureUpdate[]): Promise<number>;
}

export interface FindingQuery extends PageQuery {
  endpointId?: string;
  type?: string;
  category?: string;
}

export interface FindingRepository {
  list(query: FindingQuery): Promise<Page<EndpointFindingSummary>>;
  /** Every finding summary of these endpoints (for a page of the endpoint list). */
  ofEndpoints(endpointIds: readonly string[]): Promise<EndpointFindingSummary[]>;
}

export interface GatewayRepository {
  /** Creates or refreshes a gateway from what it says about itself. */
  upsertInfo(info: GatewayInfo, nowMs: number): Promise<void>;
  recordRulesApplied(gatewayId: string, version: number, nowMs: number): Promise<void>;
  /** recordRulesApplied for many gateways in one statement per chunk (one transaction). */
  recordRulesAppliedMany(acks: readonly { gatewayId: string; version: number }[], nowMs: number): Promise<void>;
  recordRulesRejected(gatewayId: string, version: number, reason: string, nowMs: number): Promise<void>;
  /** `delta` +1 when a WatchRules stream opens, -1 when it closes (streams across replicas add up). */
  changeConnections(gatewayId: string, delta: number, nowMs: number): Promise<void>;
  get(id: string): Promise<GatewayRecord | null>;
  list(query: PageQuery): Promise<Page<GatewayRecord>>;
}

export interface BatchRepository {
  has(key: BatchKey): Promise<boolean>;
  /** Forgets dedup keys received before `beforeMs` (must outlive any gateway retry window). */
  prune(beforeMs: number): Promise<number>;
}

export interface RetentionSettings {
  /** Raw events kept this long (default 7 days). */
  eventsMs: number;
  /** Per-minute aggregates kept this long (default 90 days). */
  aggregatesMs: number;
  /** Batch dedup keys kept this long (default 2 days). */
  batchKeysMs: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  eventsMs: 7 * 86_400_000,
  aggregatesMs: 90 * 86_400_000,
  batchKeysMs: 2 * 86_400_000,
};

export interface AppliedMigration {
  module: string;
  version: number;
  name: string;
}

/** An open store: the raw handle for modules with their own repositories, plus ours. */
export interface Store {
  readonly dialect: Dialect;
  /** better-sqlite3 handle when dialect is `sqlite`. */
  readonly sqlite: Database.Database | undefined;
  /** pg pool when dialect is `postgres` (search_path set to the schema on every connection). */
  readonly pg: pg.Pool | undefined;
  /** Schema in use on PostgreSQL (`public` unless given). */
  readonly schema: string | undefined;
  /** Portable query helper (`?` placeholders) for modules that want one code path for both. */
  readonly sql: import('./sql-client.ts').SqlClient;
  readonly retention: RetentionSettings;
  readonly migrations: AppliedMigration[];
  readonly ingest: IngestRepository;
  readonly events: EventRepository;
  readonly aggregates: AggregateRepository;
  readonly endpoints: EndpointRepository;
  readonly findings: FindingRepository;
  readonly gateways: GatewayRepository;
  readonly batches: BatchRepository;
  /** Applies retention now: events, aggregates and dedup keys older than their windows. */
  prune(nowMs: number): Promise<{ events: number; aggregates: number; batchKeys: number }>;
  close(): Promise<void>;
}
