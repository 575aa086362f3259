// Per-endpoint aggregation of one batch: what each event adds to its endpoint's lifetime
// counters, to its per-minute row, to its fields and to its findings. Pure: events in, additive
// deltas out; the store adds them up (one transaction per group of batches).
import { bucketOf, emptyHistogram } from '../store/latency.ts';
import { authSchemeBit, jsonTypeBit } from '../store/enum-bits.ts';
import { clientBit, type FieldValueDelta } from './value-sketch.ts';
import type {
  EndpointDelta,
  EndpointField,
  FieldLocation,
  FindingDelta,
  MinuteAggregate,
  ObservationDelta,
  StatusCounts,
} from '../store/types.ts';

/** One event after validation at the edge (ingest/batch-unit.ts): bounded strings, numbers. */
export interface ObservedEvent {
  timestampMs: number;
  status: number;
  latencyUs: number;
  requestBytes: number;
  responseBytes: number;
  clientIp: string;
  /** Upstream (destination) IP, '' when none was contacted; stored per event, not aggregated. */
  upstreamIp: string;
  authScheme: string;
  /** JWT header `alg` ('' when the credential was not a JWT). */
  jwtAlg: string;
  blocked: boolean;
  params: ObservedField[];
  fields: ObservedField[];
  findings: { type: string; category: string; direction: string; valueHash: string }[];
}

/** A parameter or body field of one event; valueHash (hex) and value only for token-like strings. */
export interface ObservedField {
  location: FieldLocation;
  name: string;
  type: string;
  format: string;
  valueHash?: string;
  value?: string;
}

export interface AggregateContext {
  isInternal: (ip: string) => boolean;
  /** False when the endpoint already has too many distinct fields (cardinality bound). */
  admitField: (endpointId: string, location: FieldLocation, name: string) => boolean;
}

/** Admits every field: for aggregating under provisional labels, bounded later by `relabelAggregates`. */
export const ADMIT_ALL = (): boolean => true;

export interface BatchAggregates {
  minutes: MinuteAggregate[];
  endpoints: EndpointDelta[];
  fields: EndpointField[];
  findings: FindingDelta[];
  /** Format counts per field and JWT alg counts per endpoint. */
  observations: ObservationDelta[];
  /** Value-hash sketch deltas, one per (field, hash). */
  fieldValues: FieldValueDelta[];
  /** Fields refused by admitField. */
  fieldsDropped: number;
}

const zeroStatus = (): StatusCounts => ({ s0xx: 0, s1xx: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0 });

/** Indexed by status / 100: constant names, as a name built per event makes every counter update a slow keyed access. */
const STATUS_CLASSES: readonly (keyof StatusCounts)[] = ['s0xx', 's1xx', 's2xx', 's3xx', 's4xx', 's5xx'];

export function statusClass(status: number): keyof StatusCounts {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? STATUS_CLASSES[c]! : 's0xx';
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/** Everything one batch adds to one endpoint, keyed without building a string per event. */
interface EndpointAcc {
  delta: EndpointDelta;
  minutes: Map<number, MinuteAggregate>;
  /** location → name → field and the formats it was seen with. */
  fields: Map<FieldLocation, Map<string, FieldAcc>>;
  /** type → direction → finding. */
  findings: Map<string, Map<string, FindingDelta>>;
  jwtAlgs: Map<string, number>;
}

interface FieldAcc {
  field: EndpointField;
  formats: Map<string, number> | null;
  /** value hash → sketch delta. */
  hashes: Map<string, FieldValueDelta> | null;
}

function newEndpointAcc(id: string, timestampMs: number): EndpointAcc {
  return {
    delta: {
      endpointId: id,
      firstSeenMs: timestampMs,
      lastSeenMs: timestampMs,
      requests: 0,
      ...zeroStatus(),
      latency: emptyHistogram(),
      authMask: 0,
      internalRequests: 0,
      externalRequests: 0,
    },
    minutes: new Map(),
    fields: new Map(),
    findings: new Map(),
    jwtAlgs: new Map(),
  };
}

function newMinute(endpointId: string, minuteMs: number): MinuteAggregate {
  return {
    endpointId,
    minuteMs,
    requests: 0,
    ...zeroStatus(),
    findings: 0,
    blocked: 0,
    requestBytes: 0,
    responseBytes: 0,
    latencySumUs: 0,
    latency: emptyHistogram(),
  };
}

/**
 * Adds events one at a time to per-endpoint accumulators: one batch (aggregateEvents), or every
 * batch of a commit group as it arrives (ingest), so a group's aggregate rows are built once
 * instead of once per batch and merged again.
 */
export class EventAggregator {
  private readonly accs = new Map<string, EndpointAcc>();
  private fieldsDropped = 0;

  constructor(private readonly ctx: AggregateContext) {}

  /** Adds `e` to the endpoint labelled `id` (an endpoint id, or a provisional label). */
  add(e: ObservedEvent, id: string): void {
    const ts = e.timestampMs;
    const cls = statusClass(e.status);
    const bucket = bucketOf(e.latencyUs);
    const internal = e.clientIp !== '' && this.ctx.isInternal(e.clientIp);

    let acc = this.accs.get(id);
    if (!acc) this.accs.set(id, (acc = newEndpointAcc(id, ts)));

    const minuteMs = minuteOf(ts);
    let m = acc.minutes.get(minuteMs);
    if (!m) acc.minutes.set(minuteMs, (m = newMinute(id, minuteMs)));
    m.requests++;
    m[cls]++;
    m.findings += e.findings.length;
    if (e.blocked) m.blocked++;
    m.requestBytes += e.requestBytes;
    m.responseBytes += e.responseBytes;
    m.latencySumUs += e.latencyUs;
    m.latency[bucket]!++;

    const d = acc.delta;
    d.requests++;
    d[cls]++;
    d.latency[bucket]!++;
    if (ts < d.firstSeenMs) d.firstSeenMs = ts;
    if (ts > d.lastSeenMs) d.lastSeenMs = ts;
    d.authMask |= authSchemeBit(e.authScheme);
    if (internal) d.internalRequests++;
    else d.externalRequests++;
    if (e.jwtAlg) acc.jwtAlgs.set(e.jwtAlg, (acc.jwtAlgs.get(e.jwtAlg) ?? 0) + 1);

    for (let l = 0; l < 2; l++) {
      const list = l === 0 ? e.params : e.fields;
      for (const p of list) {
        let byName = acc.fields.get(p.location);
        if (!byName) acc.fields.set(p.location, (byName = new Map()));
        let f = byName.get(p.name);
        if (!f) {
          // Refused fields are asked again on their next event, as the cap may have been lifted.
          if (!this.ctx.admitField(id, p.location, p.name)) {
            this.fieldsDropped++;
            continue;
          }
          f = {
            field: {
              endpointId: id,
              location: p.location,
              name: p.name,
              typeMask: 0,
              format: '',
              count: 0,
              firstSeenMs: ts,
              lastSeenMs: ts,
            },
            formats: null,
            hashes: null,
          };
          byName.set(p.name, f);
        }
        const field = f.field;
        field.typeMask |= jsonTypeBit(p.type);
        if (p.format) {
          field.format = p.format;
          f.formats ??= new Map();
          f.formats.set(p.format, (f.formats.get(p.format) ?? 0) + 1);
        }
        if (p.valueHash) {
          f.hashes ??= new Map();
          let v = f.hashes.get(p.valueHash);
          if (!v) {
            v = { endpointId: id, location: p.location, name: p.name, hash: p.valueHash, count: 0, clients: 0, value: '' };
            f.hashes.set(p.valueHash, v);
          }
          v.count++;
          v.clients = (v.clients | clientBit(e.clientIp)) >>> 0;
          // Kept under the provisional label; relabelAggregates keeps it only if released.
          if (p.value) v.value = p.value;
        }
        field.count++;
        if (ts < field.firstSeenMs) field.firstSeenMs = ts;
        if (ts > field.lastSeenMs) field.lastSeenMs = ts;
      }
    }

    for (const x of e.findings) {
      let byDirection = acc.findings.get(x.type);
      if (!byDirection) acc.findings.set(x.type, (byDirection = new Map()));
      let g = byDirection.get(x.direction);
      if (!g) {
        g = {
          endpointId: id,
          type: x.type,
          direction: x.direction,
          category: x.category,
          count: 0,
          firstSeenMs: ts,
          lastSeenMs: ts,
          valueHashes: [],
        };
        byDirection.set(x.direction, g);
      }
      g.count++;
      if (ts < g.firstSeenMs) g.firstSeenMs = ts;
      if (ts > g.lastSeenMs) g.lastSeenMs = ts;
      if (x.valueHash) g.valueHashes.push(x.valueHash);
    }
  }

  /** The aggregates so far, as rows (the accumulators are handed over: add no more after this). */
  result(): BatchAggregates {
    return flatten(this.accs, this.fieldsDropped);
  }
}

/** Aggregates `events[i]` under `endpointIds[i]`. */
export function aggregateEvents(events: readonly ObservedEvent[], endpointIds: readonly string[], ctx: AggregateContext): BatchAggregates {
  const aggregator = new EventAggregator(ctx);
  for (let i = 0; i < events.length; i++) aggregator.add(events[i]!, endpointIds[i]!);
  return aggregator.result();
}

function flatten(accs: Map<string, EndpointAcc>, fieldsDropped: number): BatchAggregates {
  const out: BatchAggregates = { minutes: [], endpoints: [], fields: [], findings: [], observations: [], fieldValues: [], fieldsDropped };
  for (const [endpointId, acc] of accs) {
    out.endpoints.push(acc.delta);
    for (const m of acc.minutes.values()) out.minutes.push(m);
    for (const [value, count] of acc.jwtAlgs) out.observations.push({ endpointId, kind: 'jwt_alg', location: '', name: '', value, count });
    for (const byName of acc.fields.values()) {
      for (const f of byName.values()) {
        out.fields.push(f.field);
        if (f.hashes) for (const v of f.hashes.values()) out.fieldValues.push(v);
        if (!f.formats) continue;
        for (const [value, count] of f.formats)
          out.observations.push({ endpointId, kind: 'format', location: f.field.location, name: f.field.name, value, count });
      }
    }
    for (const byDirection of acc.findings.values()) for (const g of byDirection.values()) out.findings.push(g);
  }
  return out;
}

/**
 * Puts the real endpoint ids on aggregates built under provisional labels (`idOf(label)`), in
 * place, and applies the per-endpoint field bound then: a batch is aggregated as soon as it is
 * read, while endpoint ids are only known at its commit (after any re-templating). A field the
 * bound refuses is dropped with its format counts; it is asked again in the next batch.
 */
export function relabelAggregates(
  agg: BatchAggregates,
  idOf: (label: string) => string,
  admitField: AggregateContext['admitField'],
  /** Whether a reported value may be kept for this hash on the endpoint (released); default: never. */
  isReleased: (endpointId: string, hash: string) => boolean = () => false,
): BatchAggregates {
  for (const m of agg.minutes) m.endpointId = idOf(m.endpointId);
  for (const e of agg.endpoints) e.endpointId = idOf(e.endpointId);
  for (const f of agg.findings) f.endpointId = idOf(f.endpointId);
  let refused: Set<string> | null = null;
  const fields: EndpointField[] = [];
  for (const f of agg.fields) {
    f.endpointId = idOf(f.endpointId);
    if (admitField(f.endpointId, f.location, f.name)) fields.push(f);
    else (refused ??= new Set()).add(`${f.endpointId}\0${f.location}\0${f.name}`);
  }
  const observations: ObservationDelta[] = [];
  for (const o of agg.observations) {
    o.endpointId = idOf(o.endpointId);
    if (o.kind === 'format' && refused?.has(`${o.endpointId}\0${o.location}\0${o.name}`)) continue;
    observations.push(o);
  }
  const fieldValues: FieldValueDelta[] = [];
  for (const v of agg.fieldValues) {
    v.endpointId = idOf(v.endpointId);
    if (refused?.has(`${v.endpointId}\0${v.location}\0${v.name}`)) continue;
    if (v.value && !isReleased(v.endpointId, v.hash)) v.value = '';
    fieldValues.push(v);
  }
  return { ...agg, fields, observations, fieldValues, fieldsDropped: agg.fieldsDropped + (refused?.size ?? 0) };
}
