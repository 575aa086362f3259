// Per-endpoint aggregation of one batch: what each event adds to its endpoint's lifetime
// counters, to its per-minute row, to its fields and to its findings. Pure: events in, additive
// deltas out; the store adds them up (one transaction per group of batches).
import { bucketOf, emptyHistogram } from '../store/latency.ts';
import { authSchemeBit, jsonTypeBit } from '../store/enum-bits.ts';
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
  params: { location: FieldLocation; name: string; type: string; format: string }[];
  fields: { location: FieldLocation; name: string; type: string; format: string }[];
  findings: { type: string; category: string; direction: string; valueHash: string }[];
}

export interface AggregateContext {
  isInternal: (ip: string) => boolean;
  /** False when the endpoint already has too many distinct fields (cardinality bound). */
  admitField: (endpointId: string, location: FieldLocation, name: string) => boolean;
}

export interface BatchAggregates {
  minutes: MinuteAggregate[];
  endpoints: EndpointDelta[];
  fields: EndpointField[];
  findings: FindingDelta[];
  /** Format counts per field and JWT alg counts per endpoint. */
  observations: ObservationDelta[];
  /** Fields refused by admitField. */
  fieldsDropped: number;
}

const zeroStatus = (): StatusCounts => ({ s0xx: 0, s1xx: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0 });

export function statusClass(status: number): keyof StatusCounts {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? (`s${c}xx` as keyof StatusCounts) : 's0xx';
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/** Aggregates `events[i]` under `endpointIds[i]`. */
export function aggregateEvents(events: readonly ObservedEvent[], endpointIds: readonly string[], ctx: AggregateContext): BatchAggregates {
  const minutes = new Map<string, MinuteAggregate>();
  const endpoints = new Map<string, EndpointDelta>();
  const fields = new Map<string, EndpointField>();
  const findings = new Map<string, FindingDelta>();
  const observations = new Map<string, ObservationDelta>();
  const observe = (
    endpointId: string,
    kind: ObservationDelta['kind'],
    location: ObservationDelta['location'],
    name: string,
    value: string,
  ) => {
    const k = `${endpointId}\0${kind}\0${location}\0${name}\0${value}`;
    const o = observations.get(k);
    if (o) o.count++;
    else observations.set(k, { endpointId, kind, location, name, value, count: 1 });
  };
  let fieldsDropped = 0;

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const id = endpointIds[i]!;
    const cls = statusClass(e.status);
    const bucket = bucketOf(e.latencyUs);
    const internal = e.clientIp !== '' && ctx.isInternal(e.clientIp);

    const minuteMs = minuteOf(e.timestampMs);
    const mk = `${id}\0${minuteMs}`;
    let m = minutes.get(mk);
    if (!m) {
      m = {
        endpointId: id,
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
      minutes.set(mk, m);
    }
    m.requests++;
    m[cls]++;
    m.findings += e.findings.length;
    if (e.blocked) m.blocked++;
    m.requestBytes += e.requestBytes;
    m.responseBytes += e.responseBytes;
    m.latencySumUs += e.latencyUs;
    m.latency[bucket]!++;

    let d = endpoints.get(id);
    if (!d) {
      d = {
        endpointId: id,
        firstSeenMs: e.timestampMs,
        lastSeenMs: e.timestampMs,
        requests: 0,
        ...zeroStatus(),
        latency: emptyHistogram(),
        authMask: 0,
        internalRequests: 0,
        externalRequests: 0,
      };
      endpoints.set(id, d);
    }
    d.requests++;
    d[cls]++;
    d.latency[bucket]!++;
    d.firstSeenMs = Math.min(d.firstSeenMs, e.timestampMs);
    d.lastSeenMs = Math.max(d.lastSeenMs, e.timestampMs);
    d.authMask |= authSchemeBit(e.authScheme);
    if (internal) d.internalRequests++;
    else d.externalRequests++;
    if (e.jwtAlg) observe(id, 'jwt_alg', '', '', e.jwtAlg);

    for (const list of [e.params, e.fields]) {
      for (const p of list) {
        const fk = `${id}\0${p.location}\0${p.name}`;
        let f = fields.get(fk);
        if (!f) {
          if (!ctx.admitField(id, p.location, p.name)) {
            fieldsDropped++;
            continue;
          }
          f = {
            endpointId: id,
            location: p.location,
            name: p.name,
            typeMask: 0,
            format: '',
            count: 0,
            firstSeenMs: e.timestampMs,
            lastSeenMs: e.timestampMs,
          };
          fields.set(fk, f);
        }
        f.typeMask |= jsonTypeBit(p.type);
        if (p.format) {
          f.format = p.format;
          observe(id, 'format', p.location, p.name, p.format);
        }
        f.count++;
        f.firstSeenMs = Math.min(f.firstSeenMs, e.timestampMs);
        f.lastSeenMs = Math.max(f.lastSeenMs, e.timestampMs);
      }
    }

    for (const x of e.findings) {
      const gk = `${id}\0${x.type}\0${x.direction}`;
      let g = findings.get(gk);
      if (!g) {
        g = {
          endpointId: id,
          type: x.type,
          direction: x.direction,
          category: x.category,
          count: 0,
          firstSeenMs: e.timestampMs,
          lastSeenMs: e.timestampMs,
          valueHashes: [],
        };
        findings.set(gk, g);
      }
      g.count++;
      g.firstSeenMs = Math.min(g.firstSeenMs, e.timestampMs);
      g.lastSeenMs = Math.max(g.lastSeenMs, e.timestampMs);
      if (x.valueHash) g.valueHashes.push(x.valueHash);
    }
  }
  return {
    minutes: [...minutes.values()],
    endpoints: [...endpoints.values()],
    fields: [...fields.values()],
    findings: [...findings.values()],
    observations: [...observations.values()],
    fieldsDropped,
  };
}
