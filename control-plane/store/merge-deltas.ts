// Folds the deltas of many stored batches into one row per key before writing, so a group
// commit issues one UPSERT per aggregate row (PostgreSQL refuses to touch a row twice in one
// INSERT … ON CONFLICT), and returns rows sorted by key so concurrent replicas lock them in the
// same order (no deadlocks).
import {
  FINDING_DISTINCT_CAP,
  type EndpointDelta,
  type EndpointField,
  type FieldValueDelta,
  type FindingDelta,
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

function byKey<T>(map: Map<string, T>): T[] {
  return [...map.keys()].sort().map((k) => map.get(k)!);
}

export function mergeDeltas(units: readonly Omit<IngestUnit, 'events'>[]): MergedDeltas {
  const minutes = new Map<string, MinuteAggregate>();
  const endpoints = new Map<string, EndpointDelta>();
  const fields = new Map<string, EndpointField>();
  const findings = new Map<string, FindingDelta>();
  const values = new Map<string, [string, string, string]>();
  const observations = new Map<string, ObservationDelta>();
  const fieldValues = new Map<string, FieldValueDelta>();
  for (const u of units) {
    for (const v of u.fieldValues ?? []) {
      const k = `${v.endpointId}\0${v.location}\0${v.name}\0${v.hash}`;
      const cur = fieldValues.get(k);
      if (!cur) fieldValues.set(k, { ...v });
      else {
        cur.count += v.count;
        cur.clients = (cur.clients | v.clients) >>> 0;
        if (v.value) cur.value = v.value;
      }
    }
    for (const o of u.observations ?? []) {
      const k = `${o.endpointId}\0${o.kind}\0${o.location}\0${o.name}\0${o.value}`;
      const cur = observations.get(k);
      if (!cur) observations.set(k, { ...o });
      else cur.count += o.count;
    }
    for (const m of u.minutes) {
      const k = `${m.endpointId}\0${String(m.minuteMs).padStart(15, '0')}`;
      const cur = minutes.get(k);
      if (!cur) minutes.set(k, { ...m, latency: [...m.latency] });
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
      const cur = endpoints.get(e.endpointId);
      if (!cur) endpoints.set(e.endpointId, { ...e, latency: [...e.latency] });
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
      const k = `${f.endpointId}\0${f.location}\0${f.name}`;
      const cur = fields.get(k);
      if (!cur) fields.set(k, { ...f });
      else {
        cur.typeMask |= f.typeMask;
        if (f.format) cur.format = f.format;
        cur.count += f.count;
        cur.firstSeenMs = Math.min(cur.firstSeenMs, f.firstSeenMs);
        cur.lastSeenMs = Math.max(cur.lastSeenMs, f.lastSeenMs);
      }
    }
    for (const f of u.findings) {
      const k = `${f.endpointId}\0${f.type}\0${f.direction}`;
      const cur = findings.get(k);
      if (!cur) findings.set(k, { ...f, valueHashes: [] });
      else {
        cur.count += f.count;
        if (f.category) cur.category = f.category;
        cur.firstSeenMs = Math.min(cur.firstSeenMs, f.firstSeenMs);
        cur.lastSeenMs = Math.max(cur.lastSeenMs, f.lastSeenMs);
      }
      let n = 0;
      for (const h of f.valueHashes) {
        if (n++ >= FINDING_DISTINCT_CAP) break;
        values.set(`${f.endpointId}\0${f.type}\0${h}`, [f.endpointId, f.type, h]);
      }
    }
  }
  return {
    minutes: byKey(minutes),
    endpoints: byKey(endpoints),
    fields: byKey(fields),
    findings: byKey(findings),
    observations: byKey(observations),
    values: byKey(values),
    fieldValues: byKey(fieldValues),
  };
}
