// The aggregate upserts of an ingest commit (every table but the event rows, field value sketches
// and gateway counters), built before the transaction starts: the column literals are most of the
// control plane's CPU in a commit, and made ahead they overlap the previous commit's server work
// (postgres-ingest.ts). Each statement takes one array parameter per column and locks its rows in
// the order mergeDeltas sorted them, the same order in every commit.
import { ENDPOINT_ADD_COLS, MINUTE_COLS, endpointDeltaValues, minuteValues } from './columns.ts';
import { columns, unnest } from './postgres-arrays.ts';
import type { MergedDeltas } from './merge-deltas.ts';
import { FINDING_DISTINCT_CAP } from './types.ts';
import {
  FIELD_COLS,
  FINDING_COLS,
  OBSERVATION_COLS,
  fieldsOnConflict,
  findingsOnConflict,
  minutesOnConflict,
  observationsOnConflict,
} from './upserts.ts';

const MINUTE_TYPES = MINUTE_COLS.map((c) => (c === 'endpoint_id' ? 'text' : 'int8'));

export interface Statement {
  text: string;
  values: string[];
}

/** The statements writing `deltas` (none for an empty table), in the order a commit runs them. */
export function aggregateStatements(deltas: MergedDeltas): Statement[] {
  const out: Statement[] = [];
  if (deltas.minutes.length) {
    const rows = deltas.minutes.map(minuteValues);
    out.push({
      text: `INSERT INTO endpoint_minutes (${MINUTE_COLS.join(', ')}) SELECT * FROM ${unnest(MINUTE_TYPES)} ${minutesOnConflict()}`,
      values: columns(rows, MINUTE_COLS.length),
    });
  }
  if (deltas.endpoints.length) {
    const rows = deltas.endpoints.map((e) => [e.endpointId, ...endpointDeltaValues(e)]);
    const names = ['id', ...ENDPOINT_ADD_COLS, 'first_seen_ms', 'last_seen_ms', 'auth_mask'];
    const types = names.map((n) => (n === 'id' ? 'text' : n === 'auth_mask' ? 'int4' : 'int8'));
    out.push({
      text: `UPDATE endpoints SET ${ENDPOINT_ADD_COLS.map((c) => `${c} = endpoints.${c} + d.${c}`).join(', ')},
         first_seen_ms = LEAST(endpoints.first_seen_ms, d.first_seen_ms), last_seen_ms = GREATEST(endpoints.last_seen_ms, d.last_seen_ms),
         auth_mask = endpoints.auth_mask | d.auth_mask
       FROM ${unnest(types)} AS d(${names.join(', ')}) WHERE endpoints.id = d.id`,
      values: columns(rows, names.length),
    });
  }
  if (deltas.fields.length) {
    const rows = deltas.fields.map((f) => [f.endpointId, f.location, f.name, f.typeMask, f.format, f.count, f.firstSeenMs, f.lastSeenMs]);
    out.push({
      text: `INSERT INTO endpoint_fields (${FIELD_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'int4', 'text', 'int8', 'int8', 'int8'])} ${fieldsOnConflict('postgres')}`,
      values: columns(rows, FIELD_COLS.length),
    });
  }
  if (deltas.findings.length) {
    const rows = deltas.findings.map((f) => [f.endpointId, f.type, f.direction, f.category, f.count, f.firstSeenMs, f.lastSeenMs]);
    out.push({
      text: `INSERT INTO endpoint_findings (${FINDING_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'text', 'int8', 'int8', 'int8'])} ${findingsOnConflict('postgres')}`,
      values: columns(rows, FINDING_COLS.length),
    });
  }
  if (deltas.observations.length) {
    const rows = deltas.observations.map((o) => [o.endpointId, o.kind, o.location, o.name, o.value, o.count]);
    out.push({
      text: `INSERT INTO endpoint_observations (${OBSERVATION_COLS.join(', ')}) SELECT * FROM ${unnest(['text', 'text', 'text', 'text', 'text', 'int8'])} ${observationsOnConflict()}`,
      values: columns(rows, OBSERVATION_COLS.length),
    });
  }
  if (deltas.values.length) {
    // Capped per (endpoint, type): only as many new hashes as there is room left for. The room
    // is counted once per pair that has new hashes (a full pair holds FINDING_DISTINCT_CAP rows
    // to count): MATERIALIZED, as the planner otherwise inlines it and counts again for every new
    // hash — that was half of a commit's time in the ingest bench. OFFSET 0 keeps the lookup of
    // each hash a probe of the primary key: as an anti-join the planner may hash the whole table
    // every commit (it did, with statistics that lagged the table's growth).
    out.push({
      text: `WITH fresh AS (
         SELECT v.* FROM ${unnest(['text', 'text', 'text'])} AS v(endpoint_id, type, value_hash)
          WHERE NOT EXISTS (SELECT 1 FROM finding_values f WHERE f.endpoint_id = v.endpoint_id AND f.type = v.type AND f.value_hash = v.value_hash OFFSET 0)
       ),
       room AS MATERIALIZED (
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
      values: columns(deltas.values, 3),
    });
  }
  return out;
}
