// The additive UPSERT clauses both dialects share. Every aggregate write is "add this delta" (or a
// bitwise OR, MIN, MAX), never "set this total", so batches applied by several replicas in any
// order give the same totals.
import { MINUTE_COLS } from './columns.ts';
import type { Dialect } from './types.ts';

export const least = (d: Dialect) => (d === 'postgres' ? 'LEAST' : 'MIN');
export const greatest = (d: Dialect) => (d === 'postgres' ? 'GREATEST' : 'MAX');

const MINUTE_ADD = MINUTE_COLS.filter((c) => c !== 'endpoint_id' && c !== 'minute_ms');

export function minutesOnConflict(): string {
  return `ON CONFLICT (endpoint_id, minute_ms) DO UPDATE SET ${MINUTE_ADD.map((c) => `${c} = endpoint_minutes.${c} + excluded.${c}`).join(', ')}`;
}

export const FIELD_COLS = ['endpoint_id', 'location', 'name', 'type_mask', 'format', 'count', 'first_seen_ms', 'last_seen_ms'] as const;

export function fieldsOnConflict(d: Dialect): string {
  return `ON CONFLICT (endpoint_id, location, name) DO UPDATE SET
    type_mask = endpoint_fields.type_mask | excluded.type_mask,
    format = CASE WHEN excluded.format <> '' THEN excluded.format ELSE endpoint_fields.format END,
    count = endpoint_fields.count + excluded.count,
    first_seen_ms = ${least(d)}(endpoint_fields.first_seen_ms, excluded.first_seen_ms),
    last_seen_ms = ${greatest(d)}(endpoint_fields.last_seen_ms, excluded.last_seen_ms)`;
}

export const FINDING_COLS = ['endpoint_id', 'type', 'direction', 'category', 'count', 'first_seen_ms', 'last_seen_ms'] as const;

export function findingsOnConflict(d: Dialect): string {
  return `ON CONFLICT (endpoint_id, type, direction) DO UPDATE SET
    category = CASE WHEN excluded.category <> '' THEN excluded.category ELSE endpoint_findings.category END,
    count = endpoint_findings.count + excluded.count,
    first_seen_ms = ${least(d)}(endpoint_findings.first_seen_ms, excluded.first_seen_ms),
    last_seen_ms = ${greatest(d)}(endpoint_findings.last_seen_ms, excluded.last_seen_ms)`;
}

export const OBSERVATION_COLS = ['endpoint_id', 'kind', 'location', 'name', 'value', 'count'] as const;

export function observationsOnConflict(): string {
  return `ON CONFLICT (endpoint_id, kind, location, name, value) DO UPDATE SET count = endpoint_observations.count + excluded.count`;
}

export const GATEWAY_COUNTER_COLS = [
  'id',
  'boot_id',
  'first_seen_ms',
  'last_heartbeat_ms',
  'events_received',
  'counters_boot_id',
  'dropped_boot',
  'requests_boot',
] as const;

/**
 * Gateway counters restart at each boot: when a batch comes from a new boot, the old boot's last
 * value moves into the `*_prev_boots` total; within a boot, the highest value seen wins (batches
 * may arrive out of order across replicas).
 */
export function gatewayCountersOnConflict(d: Dialect): string {
  const same = 'gateways.counters_boot_id = excluded.counters_boot_id';
  return `ON CONFLICT (id) DO UPDATE SET
    last_heartbeat_ms = ${greatest(d)}(gateways.last_heartbeat_ms, excluded.last_heartbeat_ms),
    events_received = gateways.events_received + excluded.events_received,
    dropped_prev_boots = CASE WHEN ${same} THEN gateways.dropped_prev_boots ELSE gateways.dropped_prev_boots + gateways.dropped_boot END,
    dropped_boot = CASE WHEN ${same} THEN ${greatest(d)}(gateways.dropped_boot, excluded.dropped_boot) ELSE excluded.dropped_boot END,
    requests_prev_boots = CASE WHEN ${same} THEN gateways.requests_prev_boots ELSE gateways.requests_prev_boots + gateways.requests_boot END,
    requests_boot = CASE WHEN ${same} THEN ${greatest(d)}(gateways.requests_boot, excluded.requests_boot) ELSE excluded.requests_boot END,
    counters_boot_id = excluded.counters_boot_id`;
}

/** Endpoint lifetime counters: UPDATE … SET col = col + ? for every additive column. */
export const ENDPOINT_DELTA_SET = (d: Dialect, addCols: readonly string[]) =>
  `${addCols.map((c) => `${c} = endpoints.${c} + ?`).join(', ')},
   first_seen_ms = ${least(d)}(endpoints.first_seen_ms, ?), last_seen_ms = ${greatest(d)}(endpoints.last_seen_ms, ?),
   auth_mask = endpoints.auth_mask | ?`;

/** field_values columns in insert order (migrations 0005). */
export const FIELD_VALUE_COLS = ['endpoint_id', 'location', 'name', 'value_hash', 'count', 'clients', 'value'] as const;

/** Sketch rows add up; client bitmaps OR; a released value, once reported, stays. */
export function fieldValuesOnConflict(): string {
  return `ON CONFLICT (endpoint_id, location, name, value_hash) DO UPDATE SET count = field_values.count + excluded.count,
    clients = field_values.clients | excluded.clients,
    value = CASE WHEN excluded.value <> '' THEN excluded.value ELSE field_values.value END`;
}
