// Folds the deltas of many stored batches into one row per key before writing, so a group
// commit issues one UPSERT per aggregate row (PostgreSQL refuses to touch a row twice in one
// INSERT … ON CONFLICT), and returns rows sorted by key so concurrent replicas lock them in the
// same order (no deadlocks).
import {
  FINDING_DISTINCT_CAP,
  type GatewayDelta,
  type EndpointDelta,
  type EndpointField,
  type FieldValueDelta,
  type FindingDelta,
  type IngestGroup,
  type IngestUnit,
  type MinuteAggregate,
  type ObservationDelta,
} from './types.ts';

export interface MergedDeltas {
  minutes: MinuteAggregate[];
  endpoints: EndpointDelta[];
  fields: EndpointField[];
  findings: FindingDelta[];
  observations: ObservationDelta[];
  /** [endpointId, type, valueHash] triples, unique. */
  values: [string, string, string][];
  /** Value-hash sketch rows, one per (field, hash). */
  fieldValues: FieldValueDelta[];
}

const addArr = (a: number[], b: readonly number[]) => {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + b[i]!;
};

/**
 * Rows keyed by several parts, found through maps nested part by part: no key string per input row
 * (a group of batches of 100 events brings ~3.6 aggregate rows per event, most of them merged
 * away). The key string, the same as before, is built once per merged row, to sort them.
 */
class KeyedRows<T> {
  private readonly root = new Map<string | number, unknown>();
  private readonly rows: { parts: readonly (string | number)[]; row: T }[] = [];

  get(parts: readonly (string | number)[]): T | undefined {
    let map = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = map.get(parts[i]!) as Map<string | number, unknown> | undefined;
      if (!next) return undefined;
      map = next;
    }
    return map.get(parts[parts.length - 1]!) as T | undefined;
  }

  add(parts: readonly (string | number)[], row: T): void {
    let map = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = map.get(parts[i]!) as Map<string | number, unknown> | undefined;
      if (!next) map.set(parts[i]!, (next = new Map()));
      map = next;
    }
    map.set(parts[parts.length - 1]!, row);
    this.rows.push({ parts, row });
  }

  /** Rows sorted by their key string (`keyOf(parts)`). */
  sorted(keyOf: (parts: readonly (string | number)[]) => string = (parts) => parts.join('\0')): T[] {
    const keyed = this.rows.map((r) => ({ key: keyOf(r.parts), row: r.row }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map((k) => k.row);
  }
}

export function mergeDeltas(
  units: readonly Pick<IngestUnit, 'minutes' | 'endpoints' | 'fields' | 'findings' | 'observations' | 'fieldValues'>[],
): MergedDeltas {
  const minutes = new KeyedRows<MinuteAggregate>();
  const endpoints = new KeyedRows<EndpointDelta>();
  const fields = new KeyedRows<EndpointField>();
  const findings = new KeyedRows<FindingDelta>();
  const values = new KeyedRows<[string, string, string]>();
  const observations = new KeyedRows<ObservationDelta>();
  const fieldValues = new KeyedRows<FieldValueDelta>();
  for (const u of units) {
    for (const v of u.fieldValues ?? []) {
      const k = [v.endpointId, v.location, v.name, v.hash];
      const cur = fieldValues.get(k);
      if (!cur) fieldValues.add(k, { ...v });
      else {
        cur.count += v.count;
        cur.clients = (cur.clients | v.clients) >>> 0;
        if (v.value) cur.value = v.value;
      }
    }
    for (const o of u.observations ?? []) {
      const k = [o.endpointId, o.kind, o.location, o.name, o.value];
      const cur = observations.get(k);
      if (!cur) observations.add(k, { ...o });
      else cur.count += o.count;
    }
    for (const m of u.minutes) {
      const k = [m.endpointId, m.minuteMs];
      const cur = minutes.get(k);
      if (!cur) minutes.add(k, { ...m, latency: [...m.latency] });
      else {
        cur.requests += m.requests;
        cur.s0xx += m.s0xx;
        cur.s1xx += m.s1xx;
        cur.s2xx += m.s2xx;
        cur.s3xx += m.s3xx;
        cur.s4xx += m.s4xx;
        cur.s5xx += m.s5xx;
        cur.findings += m.findings;
        cur.blocked += m.blocked;
        cur.requestBytes += m.requestBytes;
        cur.responseBytes += m.responseBytes;
        cur.latencySumUs += m.latencySumUs;
        addArr(cur.latency, m.latency);
      }
    }
    for (const e of u.endpoints) {
      const k = [e.endpointId];
      const cur = endpoints.get(k);
      if (!cur) endpoints.add(k, { ...e, latency: [...e.latency] });
      else {
        cur.requests += e.requests;
        cur.s0xx += e.s0xx;
        cur.s1xx += e.s1xx;
        cur.s2xx += e.s2xx;
        cur.s3xx += e.s3xx;
        cur.s4xx += e.s4xx;
        cur.s5xx += e.s5xx;
        addArr(cur.latency, e.latency);
        cur.firstSeenMs = Math.min(cur.firstSeenMs, e.firstSeenMs);
        cur.lastSeenMs = Math.max(cur.lastSeenMs, e.lastSeenMs);
        cur.authMask |= e.authMask;
        cur.internalRequests += e.internalRequests;
        cur.externalRequests += e.externalRequests;
      }
    }
    for (const f of u.fields) {
      const k = [f.endpointId, f.location, f.name];
      const cur = fields.get(k);
      if (!cur) fields.add(k, { ...f });
      else {
        cur.typeMask |= f.typeMask;
        if (f.format) cur.format = f.format;
        cur.count += f.count;
        cur.firstSeenMs = Math.min(cur.firstSeenMs, f.firstSeenMs);
        cur.lastSeenMs = Math.max(cur.lastSeenMs, f.lastSeenMs);
      }
    }
    for (const f of u.findings) {
      const k = [f.endpointId, f.type, f.direction];
      const cur = findings.get(k);
      if (!cur) findings.add(k, { ...f, valueHashes: [] });
      else {
        cur.count += f.count;
        if (f.category) cur.category = f.category;
        cur.firstSeenMs = Math.min(cur.firstSeenMs, f.firstSeenMs);
        cur.lastSeenMs = Math.max(cur.lastSeenMs, f.lastSeenMs);
      }
      let n = 0;
      for (const h of f.valueHashes) {
        if (n++ >= FINDING_DISTINCT_CAP) break;
        const vk = [f.endpointId, f.type, h];
        if (!values.get(vk)) values.add(vk, [f.endpointId, f.type, h]);
      }
    }
  }
  return {
    // A minute sorts by its zero-padded number, as endpoint_minutes keys compare.
    minutes: minutes.sorted(([id, minuteMs]) => `${id}\0${String(minuteMs).padStart(15, '0')}`),
    endpoints: endpoints.sorted(),
    fields: fields.sorted(),
    findings: findings.sorted(),
    observations: observations.sorted(),
    values: values.sorted(),
    fieldValues: fieldValues.sorted(),
  };
}

/**
 * The gateway counter upserts of a group, in the order to write them: by gateway (concurrent
 * replicas lock the rows in the same order), arrival order within one, and consecutive deltas of
 * one gateway, boot and time folded into one, which the upsert (upserts.ts
 * gatewayCountersOnConflict) turns into the same row as applying them one by one: events add up,
 * counters of one boot keep their highest value. A group of 50 batches from 2 gateways is 2 upserts
 * instead of 50 (round trips on PostgreSQL).
 */
export function mergeGatewayDeltas(deltas: readonly GatewayDelta[]): GatewayDelta[] {
  const out: GatewayDelta[] = [];
  for (const g of [...deltas].sort((a, b) => (a.gatewayId < b.gatewayId ? -1 : a.gatewayId > b.gatewayId ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && last.gatewayId === g.gatewayId && last.bootId === g.bootId && last.seenMs === g.seenMs) {
      last.eventsReceived += g.eventsReceived;
      last.eventsDroppedSinceBoot = Math.max(last.eventsDroppedSinceBoot, g.eventsDroppedSinceBoot);
      last.requestsSeenSinceBoot = Math.max(last.requestsSeenSinceBoot, g.requestsSeenSinceBoot);
    } else out.push({ ...g });
  }
  return out;
}

/** Units as one group: their events in order, their deltas merged (what a group commit writes). */
export function mergeUnits(units: readonly IngestUnit[]): IngestGroup {
  return {
    keys: units.map((u) => ({ key: u.key, eventCount: u.events.length })),
    events: units.length === 1 ? units[0]!.events : units.flatMap((u) => u.events),
    merged: mergeDeltas(units),
    gateways: units.map((u) => u.gateway),
  };
}
