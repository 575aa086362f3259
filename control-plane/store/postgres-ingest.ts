// PostgreSQL hot path: a group of batches costs a fixed number of round trips whatever its size —
// event rows by one COPY, every other table with one statement over arrays (`unnest`), not one per row. Dedup is the
// primary key of ingested_batches: when two replicas race on the same batch, the second waits for
// the first to commit, then sees the conflict and reports a duplicate.
import type pg from 'pg';
import { EVENT_COLS, LAT_COLS, MINUTE_COLS, STATUS_COLS } from './columns.ts';
import { mergeGatewayDeltas, mergeUnits } from './merge-deltas.ts';
import { copyFrom, copyText } from './postgres-copy.ts';
import { EVENT_VALUES } from './sqlite-ingest.ts';
import { fieldValueKey, OVERFLOW_HASH, planFieldValueWrites } from '../inventory/value-sketch.ts';
import {
  FINDING_DISTINCT_CAP,
  type EventRecord,
  type BatchKey,
  type IngestGroup,
  type IngestOutcome,
  type IngestRepository,
  type IngestUnit,
} from './types.ts';
import {
  FIELD_COLS,
  FINDING_COLS,
  GATEWAY_COUNTER_COLS,
  OBSERVATION_COLS,
  fieldsOnConflict,
  findingsOnConflict,
  gatewayCountersOnConflict,
  minutesOnConflict,
  observationsOnConflict,
  FIELD_VALUE_COLS,
  fieldValuesOnConflict,
} from './upserts.ts';

const DAY_MS = 86_400_000;
const MINUTE_TYPES = MINUTE_COLS.map((c) => (c === 'endpoint_id' ? 'text' : 'int8'));
const ENDPOINT_ADD = ['requests', ...STATUS_COLS, ...LAT_COLS, 'internal_requests', 'external_requests'];

/** One array element in PostgreSQL's array literal syntax: numbers bare, strings quoted. */
function element(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined) return 'NULL';
  const s = String(v);
  // Two native scans and string replaces: cheaper than a RegExp test and replace per value.
  if (s.indexOf('"') === -1 && s.indexOf('\\') === -1) return `"${s}"`;
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * One column as an array literal. The common columns take one native join: all numbers
 * (`{1,2}`), or all strings needing no escape (`{"a","b"}`, the quotes written by the join's
 * separator); a quoted string per value, as element() writes it, was half of this function's cost.
 */
function arrayLiteral(values: readonly unknown[]): string {
  if (values.length === 0) return '{}';
  let numbers = true;
  let strings = true;
  let plain = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      strings = false;
      continue;
    }
    numbers = false;
    if (typeof v !== 'string' || v.indexOf('\0') !== -1) {
      strings = false;
      break;
    }
    if (plain && (v.indexOf('"') !== -1 || v.indexOf('\\') !== -1)) plain = false;
  }
  if (numbers) return `{${values.join(',')}}`;
  if (strings && plain) return `{"${values.join('","')}"}`;
  // Strings to escape: escaped in one pass over the whole
  // column, joined on NUL — which no value holds, PostgreSQL text cannot — then NUL made the separator.
  if (strings) return `{"${values.join('\0').replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\0', '","')}"}`;
  return `{${values.map(element).join(',')}}`;
}

/**
 * Columns as array literals (`{"a","b"}`, `{1,2}`): `unnest($1::text[], $2::int8[], …)` takes one
 * parameter per column. Written here rather than handing pg JavaScript arrays, which it would
 * serialise element by element through generic value preparation: that and the garbage it left
 * were a large share of the control plane's CPU per ingested event.
 */
export function columns(rows: readonly (readonly unknown[])[], width: number): string[] {
  const out: string[] = new Array(width);
  const values: unknown[] = new Array(rows.length);
  for (let c = 0; c < width; c++) {
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]![c];
    out[c] = arrayLiteral(values);
  }
  return out;
}

export const unnest = (types: readonly string[]) => `unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;

/**
 * Event rows go by COPY (postgres-copy.ts): every other table takes one statement over arrays, but
 * the event rows are most of what a group writes, and COPY loads them with less server work.
 */
const COPY_EVENTS = `COPY events (${EVENT_COLS.join(', ')}) FROM STDIN`;

/** Copies rows of EVENT_COLS values (the benchmark's raw COPY, printed beside its INSERT baseline, runs it). */
export const copyEventRows = (client: pg.ClientBase, rows: readonly (readonly unknown[])[]) =>
  copyFrom(
    client,
    COPY_EVENTS,
    copyText(rows.length, EVENT_COLS.length, (c, out) => {
      for (let r = 0; r < rows.length; r++) out[r] = rows[r]![c];
    }),
  );

/** The same straight from the records: no row array per event. */
const copyEventRecords = (client: pg.ClientBase, events: readonly EventRecord[]) =>
  copyFrom(
    client,
    COPY_EVENTS,
    copyText(events.length, EVENT_COLS.length, (c, out) => {
      const valueOf = EVENT_VALUES[c]!;
      for (let r = 0; r < events.length; r++) out[r] = valueOf(events[r]!);
    }),
  );

/** A batch key as one string (gateway, boot and sequence cannot hold NUL: ingest removes it). */
const keyString = (k: BatchKey) => `${k.gatewayId}\0${k.bootId}\0${k.sequence}`;

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

export class PostgresIngestRepository implements IngestRepository {
  private readonly partitions = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  /** Creates the day partitions these events go to (outside the ingest transaction: DDL locks the parent). */
  private async ensurePartitions(events: readonly EventRecord[]): Promise<void> {
    const days = new Set<number>();
    for (const e of events) days.add(Math.floor(e.receivedMs / DAY_MS));
    for (const day of days) {
      if (this.partitions.has(day)) continue;
      try {
        await this.pool.query(
          `CREATE TABLE IF NOT EXISTS events_d${day} PARTITION OF events FOR VALUES FROM (${day * DAY_MS}) TO (${(day + 1) * DAY_MS})`,
        );
      } catch (err) {
        // Another replica created it between our IF NOT EXISTS check and the CREATE.
        const code = (err as { code?: string }).code;
        if (code !== '42P07' && code !== '23505') throw err;
      }
      this.partitions.add(day);
    }
  }

  async commit(units: IngestUnit[]): Promise<IngestOutcome[]> {
    if (units.length === 0) return [];
    await this.ensurePartitions(units.length === 1 ? units[0]!.events : units.flatMap((u) => u.events));
    return this.retried(() => this.commitOnce(units));
  }

  async commitGroup(group: IngestGroup): Promise<IngestOutcome[] | null> {
    if (group.keys.length === 0) return [];
    await this.ensurePartitions(group.events);
    return this.retried(() => this.commitGroupOnce(group));
  }

  /** `attempt` again after a deadlock or serialization failure (replicas racing on aggregate rows), up to 3 times. */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (n < 3 && isRetryable(err)) continue;
        throw err;
      }
    }
  }

  /** Inserts the batch keys (ON CONFLICT DO NOTHING) and returns the ones that were new, as `keyString`s. */
  private async insertKeys(conn: pg.PoolClient, keys: IngestGroup['keys']): Promise<Set<string>> {
    const now = Date.now();
    const keyRows = keys.map((k) => [k.key.gatewayId, k.key.bootId, k.key.sequence, now, k.eventCount]);
    const { rows: inserted } = await conn.query<{ gateway_id: string; boot_id: string; sequence: string }>(
      `INSERT INTO ingested_batches (gateway_id, boot_id, sequence, received_ms, event_count)
       SELECT * FROM ${unnest(['text', 'text', 'text', 'int8', 'int4'])} ON CONFLICT DO NOTHING
       RETURNING gateway_id, boot_id, sequence`,
      columns(keyRows, 5),
    );
    return new Set(inserted.map((r) => keyString({ gatewayId: r.gateway_id, bootId: r.boot_id, sequence: r.sequence })));
  }

  /** One transaction on a pooled connection: BEGIN, `body`, then COMMIT, or ROLLBACK when `body` throws or returns null. */
  private async transaction<T>(body: (conn: pg.PoolClient) => Promise<T | null>): Promise<T | null> {
    const conn = await this.pool.connect();
    try {
      await conn.query('BEGIN');
      const result = await body(conn);
      await conn.query(result === null ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  private commitGroupOnce(group: IngestGroup): Promise<IngestOutcome[] | null> {
    return this.transaction(async (conn) => {
      const fresh = await this.insertKeys(conn, group.keys);
      if (fresh.size !== group.keys.length) return null;
      await this.write(conn, group);
      return group.keys.map((): IngestOutcome => 'stored');
    });
  }

  private async commitOnce(units: IngestUnit[]): Promise<IngestOutcome[]> {
    const outcomes = await this.transaction(async (conn) => {
      const fresh = await this.insertKeys(
        conn,
        units.map((u) => ({ key: u.key, eventCount: u.events.length })),
      );
      const outcomes: IngestOutcome[] = [];
      const stored: IngestUnit[] = [];
      for (const u of units) {
        // The same key twice in one group: the first occurrence is stored, the rest are duplicates.
        if (fresh.delete(keyString(u.key))) {
          outcomes.push('stored');
          stored.push(u);
        } else outcomes.push('duplicate');
      }
      if (stored.length) await this.write(conn, mergeUnits(stored));
      return outcomes;
    });
    return outcomes!;
  }

  private async write(conn: pg.PoolClient, group: IngestGroup): Promise<void> {
    const { events, merged } = group;
    if (events.length) await copyEventRecords(conn, events);
    if (merged.minutes.length) {
      const rows = merged.minutes.map((m) => [
        m.endpointId,
        m.minuteMs,
        m.requests,
        m.s0xx,
        m.s1xx,
        m.s2xx,
        m.s3xx,
        m.s4xx,
        m.s5xx,
        m.findings,
        m.blocked,
        m.requestBytes,
        m.responseBytes,
        m.latencySumUs,
        ...m.latency,
      ]);
      await conn.query(
        `INSERT INTO endpoint_minutes (${MINUTE_COLS.join(', ')}) SELECT * FROM ${unnest(MINUTE_TYPES)} ${minutesOnConflict()}`,
        columns(rows, MINUTE_COLS.length),
      );
    }
    if (merged.endpoints.length) {
      const rows = merged.endpoints.map((e) => [
        e.endpointId,
        e.requests,
        e.s0xx,
        e.s1xx,
        e.s2xx,
        e.s3xx,
        e.s4xx,
        e.s5xx,
        ...e.latency,
        e.internalRequests,
        e.externalRequests,
        e.firstSeenMs,
        e.lastSeenMs,
        e.authMask,
      ]);
      const names = ['id', ...ENDPOINT_ADD, 'first_seen_ms', 'last_seen_ms', 'auth_mask'];
      const types = names.map((n) => (n === 'id' ? 'text' : n === 'auth_mask' ? 'int4' : 'int8'));
      await conn.query(
        `UPDATE endpoints SET ${ENDPOINT_ADD.map((c) => `${c} = endpoints.${c} + d.${c}`).join(', ')},
           first_seen_ms = LEAST(endpoints.first_seen_ms, d.first_seen_ms), last_seen_ms = GREATEST(endpoints.last_seen_ms, d.last_seen_ms),
           auth_mask = endpoints.auth_mask | d.auth_mask
         FROM ${unnest(types)} AS d(${names.join(', ')}) WHERE endpoints.id = d.id`,
        columns(rows, names.length),
      );
    }
    if (merged.fields.length) {
      const rows = merged.fields.map((f) => [f.endpointId, f.location, f.name, f.typeMask, f.format, f.count, f.firstSeenMs, f.lastSeenMs]);
      await conn.query(
        `INSERT INTO endpoint_fields (${FIELD_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'int4', 'text', 'int8', 'int8', 'int8'])} ${fieldsOnConflict('postgres')}`,
        columns(rows, FIELD_COLS.length),
      );
    }
    if (merged.findings.length) {
      const rows = merged.findings.map((f) => [f.endpointId, f.type, f.direction, f.category, f.count, f.firstSeenMs, f.lastSeenMs]);
      await conn.query(
        `INSERT INTO endpoint_findings (${FINDING_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'text', 'int8', 'int8', 'int8'])} ${findingsOnConflict('postgres')}`,
        columns(rows, FINDING_COLS.length),
      );
    }
    if (merged.observations.length) {
      const rows = merged.observations.map((o) => [o.endpointId, o.kind, o.location, o.name, o.value, o.count]);
      await conn.query(
        `INSERT INTO endpoint_observations (${OBSERVATION_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'text', 'text', 'int8'])} ${observationsOnConflict()}`,
        columns(rows, OBSERVATION_COLS.length),
      );
    }
    if (merged.values.length) {
      // Capped per (endpoint, type): only as many new hashes as there is room left for. The room
      // is counted once per pair that has new hashes (a full pair holds FINDING_DISTINCT_CAP rows
      // to count), not once per new hash as a correlated subquery would: a flood of new values on
      // one pair made that quadratic.
      await conn.query(
        `WITH fresh AS (
           SELECT v.* FROM ${unnest(['text', 'text', 'text'])} AS v(endpoint_id, type, value_hash)
            WHERE NOT EXISTS (SELECT 1 FROM finding_values f WHERE f.endpoint_id = v.endpoint_id AND f.type = v.type AND f.value_hash = v.value_hash)
         ),
         room AS (
           SELECT k.endpoint_id, k.type,
                  ${FINDING_DISTINCT_CAP} - (SELECT COUNT(*) FROM finding_values f WHERE f.endpoint_id = k.endpoint_id AND f.type = k.type) AS n
             FROM (SELECT DISTINCT endpoint_id, type FROM fresh) k
         ),
         ranked AS (
           SELECT fresh.*, room.n, row_number() OVER (PARTITION BY fresh.endpoint_id, fresh.type ORDER BY fresh.value_hash) AS rn
             FROM fresh JOIN room ON room.endpoint_id = fresh.endpoint_id AND room.type = fresh.type
         )
         INSERT INTO finding_values (endpoint_id, type, value_hash)
         SELECT endpoint_id, type, value_hash FROM ranked WHERE rn <= n
         ON CONFLICT DO NOTHING`,
        columns(merged.values, 3),
      );
    }
    if (merged.fieldValues.length) {
      // Read the hashes the touched fields hold, plan in TypeScript (inventory/value-sketch.ts),
      // then write. Replicas racing on one field may together pass the bound; readers treat a
      // field with more rows than the bound as high-cardinality, and the next write collapses it.
      const keys = [...new Map(merged.fieldValues.map((v) => [fieldValueKey(v), [v.endpointId, v.location, v.name]])).values()];
      const held = new Map<string, Set<string>>();
      const res = await conn.query(
        `SELECT f.endpoint_id, f.location, f.name, f.value_hash FROM field_values f
           JOIN ${unnest(['text', 'text', 'text'])} AS k(endpoint_id, location, name)
             ON f.endpoint_id = k.endpoint_id AND f.location = k.location AND f.name = k.name`,
        columns(keys, 3),
      );
      for (const r of res.rows as Record<string, string>[]) {
        const k = fieldValueKey({ endpointId: r.endpoint_id!, location: r.location!, name: r.name! });
        let set = held.get(k);
        if (!set) held.set(k, (set = new Set()));
        set.add(r.value_hash!);
      }
      const plan = planFieldValueWrites(merged.fieldValues, held);
      if (plan.overflow.length) {
        const rows = plan.overflow.map((f) => [f.endpointId, f.location, f.name]);
        await conn.query(
          `DELETE FROM field_values f USING ${unnest(['text', 'text', 'text'])} AS k(endpoint_id, location, name)
            WHERE f.endpoint_id = k.endpoint_id AND f.location = k.location AND f.name = k.name`,
          columns(rows, 3),
        );
      }
      const rows = [
        ...plan.overflow.map((f) => [f.endpointId, f.location, f.name, OVERFLOW_HASH, 0, 0, '']),
        ...plan.upserts.map((v) => [v.endpointId, v.location, v.name, v.hash, v.count, v.clients, v.value]),
      ];
      if (rows.length) {
        await conn.query(
          `INSERT INTO field_values (${FIELD_VALUE_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'text', 'int8', 'int8', 'text'])} ${fieldValuesOnConflict()}`,
          columns(rows, FIELD_VALUE_COLS.length),
        );
      }
    }
    for (const g of mergeGatewayDeltas(group.gateways)) {
      await conn.query(
        `INSERT INTO gateways (${GATEWAY_COUNTER_COLS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${gatewayCountersOnConflict('postgres')}`,
        [g.gatewayId, g.bootId, g.seenMs, g.seenMs, g.eventsReceived, g.bootId, g.eventsDroppedSinceBoot, g.requestsSeenSinceBoot],
      );
    }
  }
}
