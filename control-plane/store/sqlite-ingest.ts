// SQLite hot path: one synchronous better-sqlite3 transaction per group of batches, prepared
// statements only. Synchronous is right here: SQLite has one writer, and a commit that never
// yields cannot interleave with another writer on this connection.
import type Database from 'better-sqlite3';
import { ENDPOINT_ADD_COLS, EVENT_COLS, MINUTE_COLS, endpointDeltaValues, minuteValues } from './columns.ts';
import { mergeDeltas, mergeGatewayDeltas, type MergedDeltas } from './merge-deltas.ts';
import { packEvents, unpackRow, type PackedEvents } from './packed-events.ts';
import type { SqliteClient } from './sql-client.ts';
import { fieldValueKey, OVERFLOW_HASH, planFieldValueWrites } from '../inventory/value-sketch.ts';
import {
  FINDING_DISTINCT_CAP,
  type EventRecord,
  type GatewayDelta,
  type IngestGroup,
  type IngestOutcome,
  type IngestRepository,
  type IngestUnit,
} from './types.ts';
import {
  ENDPOINT_DELTA_SET,
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

const marks = (n: number) => `(${new Array(n).fill('?').join(', ')})`;

/**
 * Each event column's value, in EVENT_COLS order: the one mapping from a record to its columns,
 * read row by row here and column by column by PostgreSQL's insert (postgres-ingest.ts).
 */
export const EVENT_VALUES: readonly ((e: EventRecord) => unknown)[] = [
  (e) => e.gatewayId,
  (e) => e.eventId,
  (e) => e.timestampMs,
  (e) => e.receivedMs,
  (e) => e.host,
  (e) => e.method,
  (e) => e.path,
  (e) => e.endpointId,
  (e) => e.status,
  (e) => e.latencyUs,
  (e) => e.requestBytes,
  (e) => e.responseBytes,
  (e) => e.clientIp,
  (e) => e.authScheme,
  (e) => e.findingCount,
  (e) => e.action,
  (e) => Number(e.rulesVersion) || 0,
  (e) => e.detail,
  (e) => e.upstreamIp,
];

/** Appends one event's column values to `out` (no intermediate array: this runs per event). */
export function pushEventValues(out: unknown[], e: EventRecord): void {
  for (let c = 0; c < EVENT_VALUES.length; c++) out.push(EVENT_VALUES[c]!(e));
}

/** One event's column values as a row (PostgreSQL's array insert, the benchmark baseline). */
export function eventValues(e: EventRecord): unknown[] {
  const row: unknown[] = [];
  pushEventValues(row, e);
  return row;
}

/**
 * An IngestUnit with its events as one flat array of column values (EVENT_COLS order, row after
 * row): what the transaction writes, and what crosses to the ingest thread, where cloning a flat
 * array of primitives costs far less than cloning one object per event.
 */
export type FlatIngestUnit = Omit<IngestUnit, 'events'> & { eventCount: number; eventValues: unknown[] };

export function flattenUnit(u: IngestUnit): FlatIngestUnit {
  const { events, ...rest } = u;
  const eventValues: unknown[] = [];
  for (const e of events) pushEventValues(eventValues, e);
  return { ...rest, eventCount: events.length, eventValues };
}

/**
 * A group as the ingest thread receives it: event rows packed (packed-events.ts), or as flat
 * column values when a row does not pack. Cloning a few flat arrays of primitives to the thread
 * costs far less than cloning one object per event, and the aggregate rows arrive merged (one per
 * key for the whole group: a batch of 100 events carries ~3.6 of them per event, most merged away).
 */
export interface MergedIngestGroup {
  keys: IngestGroup['keys'];
  events: PackedEvents | unknown[];
  merged: MergedDeltas;
  gateways: GatewayDelta[];
}

export function packGroup(group: IngestGroup): MergedIngestGroup {
  let events: PackedEvents | unknown[] | null = packEvents(group.events);
  if (!events) {
    events = [];
    for (const e of group.events) pushEventValues(events, e);
  }
  return { keys: group.keys, events, merged: group.merged, gateways: group.gateways };
}

/** Thrown inside the merged transaction to roll it back when one of its batches is a duplicate. */
const HAS_DUPLICATE = Symbol('group has a duplicate batch');

export class SqliteIngestRepository implements IngestRepository {
  private readonly run: Database.Transaction<(units: FlatIngestUnit[]) => IngestOutcome[]>;
  private readonly runMerged: Database.Transaction<(group: MergedIngestGroup) => void>;

  constructor(private readonly client: SqliteClient) {
    const db = client.db;
    const insertBatch = db.prepare(
      'INSERT INTO ingested_batches (gateway_id, boot_id, sequence, received_ms, event_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    // One row per statement run: SQLite runs a multi-row VALUES list as a co-routine that costs
    // more per row than re-running a one-row statement (measured: about twice the CPU per event
    // with 50 rows per INSERT).
    const insertEvent = db.prepare(`INSERT INTO events (${EVENT_COLS.join(', ')}) VALUES ${marks(EVENT_COLS.length)}`);
    const upsertMinute = db.prepare(
      `INSERT INTO endpoint_minutes (${MINUTE_COLS.join(', ')}) VALUES ${marks(MINUTE_COLS.length)} ${minutesOnConflict()}`,
    );
    const updateEndpoint = db.prepare(`UPDATE endpoints SET ${ENDPOINT_DELTA_SET('sqlite', ENDPOINT_ADD_COLS)} WHERE id = ?`);
    const upsertField = db.prepare(
      `INSERT INTO endpoint_fields (${FIELD_COLS.join(', ')}) VALUES ${marks(FIELD_COLS.length)} ${fieldsOnConflict('sqlite')}`,
    );
    const upsertFinding = db.prepare(
      `INSERT INTO endpoint_findings (${FINDING_COLS.join(', ')}) VALUES ${marks(FINDING_COLS.length)} ${findingsOnConflict('sqlite')}`,
    );
    const upsertObservation = db.prepare(
      `INSERT INTO endpoint_observations (${OBSERVATION_COLS.join(', ')}) VALUES ${marks(OBSERVATION_COLS.length)} ${observationsOnConflict()}`,
    );
    const countValues = db.prepare('SELECT COUNT(*) AS n FROM finding_values WHERE endpoint_id = ? AND type = ?').pluck();
    const insertValue = db.prepare('INSERT INTO finding_values (endpoint_id, type, value_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const fieldHashes = db.prepare('SELECT value_hash FROM field_values WHERE endpoint_id = ? AND location = ? AND name = ?').pluck();
    const dropField = db.prepare('DELETE FROM field_values WHERE endpoint_id = ? AND location = ? AND name = ?');
    const upsertFieldValue = db.prepare(
      `INSERT INTO field_values (${FIELD_VALUE_COLS.join(', ')}) VALUES ${marks(FIELD_VALUE_COLS.length)} ${fieldValuesOnConflict()}`,
    );
    const upsertGateway = db.prepare(
      `INSERT INTO gateways (${GATEWAY_COUNTER_COLS.join(', ')}) VALUES ${marks(GATEWAY_COUNTER_COLS.length)} ${gatewayCountersOnConflict('sqlite')}`,
    );

    const insertKeys = (keys: MergedIngestGroup['keys']): boolean[] => {
      const now = Date.now();
      return keys.map((k) => insertBatch.run(k.key.gatewayId, k.key.bootId, k.key.sequence, now, k.eventCount).changes === 1);
    };
    const width = EVENT_COLS.length;
    // One array re-filled per row: better-sqlite3 reads the bound values before run() returns.
    const row: unknown[] = new Array(width);
    const writeEvents = (values: PackedEvents | readonly unknown[]) => {
      if (!Array.isArray(values)) {
        const packed = values as PackedEvents;
        for (let i = 0; i < packed.count; i++) {
          unpackRow(packed, i, row);
          insertEvent.run(row);
        }
        return;
      }
      for (let at = 0; at < values.length; at += width) {
        for (let c = 0; c < width; c++) row[c] = values[at + c];
        insertEvent.run(row);
      }
    };
    const writeAggregates = (merged: MergedDeltas, gateways: GatewayDelta[]) => {
      for (const m of merged.minutes) {
        upsertMinute.run(...minuteValues(m));
      }
      for (const e of merged.endpoints) {
        updateEndpoint.run(...endpointDeltaValues(e), e.endpointId);
      }
      for (const f of merged.fields)
        upsertField.run(f.endpointId, f.location, f.name, f.typeMask, f.format, f.count, f.firstSeenMs, f.lastSeenMs);
      for (const f of merged.findings)
        upsertFinding.run(f.endpointId, f.type, f.direction, f.category, f.count, f.firstSeenMs, f.lastSeenMs);
      for (const o of merged.observations) upsertObservation.run(o.endpointId, o.kind, o.location, o.name, o.value, o.count);
      const room = new Map<string, number>();
      for (const [endpointId, type, hash] of merged.values) {
        const k = `${endpointId}\0${type}`;
        let left = room.get(k);
        if (left === undefined) left = FINDING_DISTINCT_CAP - (countValues.get(endpointId, type) as number);
        if (left > 0 && insertValue.run(endpointId, type, hash).changes === 1) left--;
        room.set(k, left);
      }
      if (merged.fieldValues.length) {
        const held = new Map<string, Set<string>>();
        for (const v of merged.fieldValues) {
          const k = fieldValueKey(v);
          if (!held.has(k)) held.set(k, new Set(fieldHashes.all(v.endpointId, v.location, v.name) as string[]));
        }
        const plan = planFieldValueWrites(merged.fieldValues, held);
        for (const f of plan.overflow) {
          dropField.run(f.endpointId, f.location, f.name);
          upsertFieldValue.run(f.endpointId, f.location, f.name, OVERFLOW_HASH, 0, 0, '');
        }
        for (const v of plan.upserts) upsertFieldValue.run(v.endpointId, v.location, v.name, v.hash, v.count, v.clients, v.value);
      }
      for (const g of mergeGatewayDeltas(gateways)) {
        upsertGateway.run(
          g.gatewayId,
          g.bootId,
          g.seenMs,
          g.seenMs,
          g.eventsReceived,
          g.bootId,
          g.eventsDroppedSinceBoot,
          g.requestsSeenSinceBoot,
        );
      }
    };

    this.run = db.transaction((units: FlatIngestUnit[]): IngestOutcome[] => {
      const fresh = insertKeys(units.map((u) => ({ key: u.key, eventCount: u.eventCount })));
      const stored = units.filter((_, i) => fresh[i]);
      if (stored.length) {
        for (const u of stored) writeEvents(u.eventValues);
        writeAggregates(
          mergeDeltas(stored),
          stored.map((u) => u.gateway),
        );
      }
      return fresh.map((f) => (f ? 'stored' : 'duplicate'));
    });
    this.runMerged = db.transaction((group: MergedIngestGroup): void => {
      if (!insertKeys(group.keys).every(Boolean)) throw HAS_DUPLICATE;
      writeEvents(group.events);
      writeAggregates(group.merged, group.gateways);
    });
  }

  commit(units: IngestUnit[]): Promise<IngestOutcome[]> {
    return this.commitFlat(units.map(flattenUnit));
  }

  /** The same commit for units already flattened (the ingest thread receives them so). */
  commitFlat(units: FlatIngestUnit[]): Promise<IngestOutcome[]> {
    if (units.length === 0) return Promise.resolve([]);
    // Exclusive: never inside (or interleaved with) an async transaction on the same connection.
    return this.client.exclusive(() => this.run.immediate(units));
  }

  commitGroup(group: IngestGroup): Promise<IngestOutcome[] | null> {
    return this.commitMerged(packGroup(group));
  }

  /**
   * Commits a packed group when none of its batches was stored before: every one 'stored'. Null
   * when one was (or a key repeats within the group): the transaction rolled back, nothing of the
   * group is written, and the caller commits its units one by one (commitFlat) to find which.
   */
  commitMerged(group: MergedIngestGroup): Promise<IngestOutcome[] | null> {
    return this.client.exclusive(() => {
      try {
        this.runMerged.immediate(group);
      } catch (err) {
        if (err === HAS_DUPLICATE) return null;
        throw err;
      }
      return group.keys.map((): IngestOutcome => 'stored');
    });
  }
}
