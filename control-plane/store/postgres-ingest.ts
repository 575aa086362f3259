// PostgreSQL hot path: a group of batches costs a fixed number of round trips whatever its size —
// event rows by one COPY, every other table with one statement over arrays (`unnest`), not one per row. Dedup is the
// primary key of ingested_batches: when two replicas race on the same batch, the second waits for
// the first to commit, then sees the conflict and reports a duplicate.
import type pg from 'pg';
import { EVENT_COLS } from './columns.ts';
import { aggregateStatements, type Statement } from './postgres-aggregate-writes.ts';
import { columns, unnest } from './postgres-arrays.ts';
import { mergeGatewayDeltas, mergeUnits } from './merge-deltas.ts';
import { copyFrom, copyText } from './postgres-copy.ts';
import { EVENT_VALUES } from './sqlite-ingest.ts';
import { fieldValueKey, OVERFLOW_HASH, planFieldValueWrites } from '../inventory/value-sketch.ts';
import {
  type CommitGroupOptions,
  type EventRecord,
  type BatchKey,
  type IngestGroup,
  type IngestOutcome,
  type IngestRepository,
  type IngestUnit,
} from './types.ts';
import { GATEWAY_COUNTER_COLS, gatewayCountersOnConflict, FIELD_VALUE_COLS, fieldValuesOnConflict } from './upserts.ts';

const DAY_MS = 86_400_000;

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

/** Event records as COPY text: no row array per event. */
const eventCopyText = (events: readonly EventRecord[]) =>
  copyText(events.length, EVENT_COLS.length, (c, out) => {
    const valueOf = EVENT_VALUES[c]!;
    for (let r = 0; r < events.length; r++) out[r] = valueOf(events[r]!);
  });

/** What a commit writes, made before its transaction starts (pure CPU: none of it waits on the server). */
interface PreparedWrite {
  group: IngestGroup;
  /** The event rows as COPY text ('' for none). */
  copy: string;
  statements: Statement[];
}

const prepareWrite = (group: IngestGroup): PreparedWrite => ({
  group,
  copy: group.events.length ? eventCopyText(group.events) : '',
  statements: aggregateStatements(group.merged),
});

/** A batch key as one string (gateway, boot and sequence cannot hold NUL: ingest removes it). */
const keyString = (k: BatchKey) => `${k.gatewayId}\0${k.bootId}\0${k.sequence}`;

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

export class PostgresIngestRepository implements IngestRepository {
  private readonly partitions = new Set<number>();
  private partitionsTail: Promise<void> = Promise.resolve();

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Creates the day partitions these events go to, outside the ingest transaction (DDL locks the
   * parent), one call after another in call order: a commit's partitions exist before the next
   * commit's transaction starts. Otherwise that overlapping transaction's COPY could take its lock
   * on `events` first and then wait for this commit to settle, while this commit's CREATE waits
   * for that lock: a deadlock PostgreSQL cannot see (one side waits in the control plane).
   */
  private ensurePartitions(events: readonly EventRecord[]): Promise<void> {
    const done = this.partitionsTail.then(() => this.createPartitions(events));
    this.partitionsTail = done.catch(() => undefined);
    return done;
  }

  private async createPartitions(events: readonly EventRecord[]): Promise<void> {
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

  /**
   * Overlaps commits: the next group's rows and statements are made, and its event rows copied in
   * its own transaction, while the previous group's transaction runs on the server; only then does
   * it wait for that one to settle before it touches a row another commit could hold (batch keys,
   * aggregates, gateway counters). Rows are thus locked and aggregates applied in group order,
   * exactly as one commit at a time, with no lock wait between the two (no deadlock possible); a
   * commit costs the control plane's CPU and the server's time one after the other, so the two
   * overlapping was the rate left on the table (the control plane's main thread waited on
   * PostgreSQL for half the time).
   */
  readonly overlapsCommits = true;

  async commitGroup(group: IngestGroup, options: CommitGroupOptions = {}): Promise<IngestOutcome[] | null> {
    if (group.keys.length === 0) return [];
    await this.ensurePartitions(group.events);
    const prepared = prepareWrite(group);
    return this.retried(() => this.commitGroupOnce(prepared, options.after));
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

  private commitGroupOnce(prepared: PreparedWrite, after: Promise<unknown> | undefined): Promise<IngestOutcome[] | null> {
    const { group } = prepared;
    return this.transaction(async (conn) => {
      // New event rows only: nothing another commit holds or waits for.
      if (prepared.copy) await copyFrom(conn, COPY_EVENTS, prepared.copy);
      await after;
      const fresh = await this.insertKeys(conn, group.keys);
      if (fresh.size !== group.keys.length) return null;
      await this.writeRows(conn, prepared);
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
      if (stored.length) {
        const prepared = prepareWrite(mergeUnits(stored));
        if (prepared.copy) await copyFrom(conn, COPY_EVENTS, prepared.copy);
        await this.writeRows(conn, prepared);
      }
      return outcomes;
    });
    return outcomes!;
  }

  /** Everything but the event rows: the prepared aggregate statements, field value sketches, gateway counters. */
  private async writeRows(conn: pg.PoolClient, prepared: PreparedWrite): Promise<void> {
    const { group } = prepared;
    for (const s of prepared.statements) await conn.query(s.text, s.values);
    if (group.merged.fieldValues.length) {
      // Read the hashes the touched fields hold, plan in TypeScript (inventory/value-sketch.ts),
      // then write. Replicas racing on one field may together pass the bound; readers treat a
      // field with more rows than the bound as high-cardinality, and the next write collapses it.
      const keys = [...new Map(group.merged.fieldValues.map((v) => [fieldValueKey(v), [v.endpointId, v.location, v.name]])).values()];
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
      const plan = planFieldValueWrites(group.merged.fieldValues, held);
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
