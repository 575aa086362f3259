// The edge between the wire and the store: checks a ReportBatch (from gRPC or its JSON form, so
// every field may be missing or of the wrong type) and bounds every string and list of its events,
// each becoming the row the store keeps and what it adds to the aggregates (batch-group.ts gathers
// them). Never throws on input: problems are a reject code and a message.
import type { ApiEvent } from '../../proto/gen/palisade/v1/ApiEvent.ts';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import type { ObservedEvent } from '../inventory/endpoint-aggregate.ts';
import { enumName } from '../store/enum-bits.ts';
import { jwtAlgName, knownFormat } from './observation-vocabulary.ts';
import { isTokenLike, SKETCHED_LOCATIONS } from '../inventory/value-sketch.ts';
import type { ObservedField } from '../inventory/endpoint-aggregate.ts';
import type { BatchKey, EventRecord, FieldLocation } from '../store/types.ts';

export interface BatchLimits {
  /** Events per batch (default 5 000); more → REJECTED `too_many_events`. */
  maxEvents: number;
  /** Path bytes kept per event (default 2 048; longer paths are truncated). */
  maxPathLength: number;
  /** Parameters + body fields kept per event (default 256). */
  maxFieldsPerEvent: number;
  /** Findings kept per event (default 128). */
  maxFindingsPerEvent: number;
  /** Length of any other string kept (default 256). */
  maxStringLength: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEvents: 5_000,
  maxPathLength: 2_048,
  maxFieldsPerEvent: 256,
  maxFindingsPerEvent: 128,
  maxStringLength: 256,
};

/** Stable reject codes (metrics `ingest_rejected_<code>_total`, ack messages start with the code). */
export const REJECT_CODES = ['gateway_mismatch', 'too_many_events', 'malformed'] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface BatchProblem {
  code: RejectCode;
  message: string;
}

/** An event bounded and typed: the row the store keeps and what it adds to the aggregates. */
export interface PreparedEvent {
  /** Complete but for `endpointId` and `receivedMs` (known at the commit). */
  record: EventRecord;
  observed: ObservedEvent;
}

/** What a batch says besides its events. */
export interface BatchHeader {
  key: BatchKey;
  droppedSinceBoot: number;
  requestsSinceBoot: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bounded string; NUL removed (PostgreSQL text cannot hold it, and keys use it as a separator). */
function str(v: unknown, max: number): string {
  if (typeof v !== 'string') return typeof v === 'number' ? String(v) : '';
  const s = v.length > max ? v.slice(0, max) : v;
  return s.includes('\0') ? s.replace(/\0/g, '') : s;
}

interface LongLike {
  low: number;
  high: number;
}
const isLong = (v: unknown): v is LongLike => isObj(v) && typeof v.low === 'number' && typeof v.high === 'number';

/**
 * uint64 as a decimal string, from protobufjs (number or Long), proto-loader (decimal string) or
 * the JSON form (string or number); null when it is not one.
 */
function u64(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return '0';
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
  if (typeof v === 'string') return /^\d{1,20}$/.test(v) ? v.replace(/^0+(?=\d)/, '') : null;
  if (isLong(v)) {
    // Below 2^53 (every id and counter in practice) plain arithmetic is exact and far cheaper.
    const high = v.high >>> 0;
    if (high < 0x200000) return String(high * 4294967296 + (v.low >>> 0));
    return BigInt.asUintN(64, (BigInt(high) << 32n) | BigInt(v.low >>> 0)).toString();
  }
  return null;
}

/** A non-negative count or time as a number (0 when absent or invalid). */
function num(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : 0;
  // Long: exact below 2^53, which every time and byte count here is.
  if (isLong(v)) return (v.high >>> 0) * 4294967296 + (v.low >>> 0);
  const s = u64(v);
  const n = s === null ? 0 : Number(s);
  return Number.isFinite(n) ? n : 0;
}

/** Finding.value_hash: bytes from gRPC, base64 in JSON; kept as hex, at most 32 bytes. */
function hashHex(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.subarray(0, 32)).toString('hex');
  if (typeof v === 'string' && v.length > 0) return Buffer.from(v, 'base64').subarray(0, 32).toString('hex');
  return '';
}

export function validateBatch(gatewayId: string, batch: unknown, limits: BatchLimits): BatchProblem | null {
  if (!isObj(batch)) return { code: 'malformed', message: 'malformed: batch must be an object' };
  if (typeof batch.bootId === 'string' && (batch.bootId.length > 128 || batch.bootId.includes('\0'))) {
    return { code: 'malformed', message: 'malformed: bootId must be at most 128 characters without NUL' };
  }
  if (typeof batch.gatewayId !== 'string' || batch.gatewayId !== gatewayId) {
    return {
      code: 'gateway_mismatch',
      message: `gateway_mismatch: batch gatewayId "${str(batch.gatewayId, 64)}" is not the authenticated gateway "${gatewayId}"`,
    };
  }
  if (u64(batch.sequence) === null) return { code: 'malformed', message: 'malformed: sequence must be a uint64' };
  if (batch.bootId !== undefined && typeof batch.bootId !== 'string')
    return { code: 'malformed', message: 'malformed: bootId must be a string' };
  const events = batch.events ?? [];
  if (!Array.isArray(events)) return { code: 'malformed', message: 'malformed: events must be a list' };
  if (events.length > limits.maxEvents) {
    return { code: 'too_many_events', message: `too_many_events: ${events.length} events, at most ${limits.maxEvents} per batch` };
  }
  for (let i = 0; i < events.length; i++) {
    if (!isObj(events[i])) return { code: 'malformed', message: `malformed: events[${i}] must be an object` };
  }
  return null;
}

const PARAM_LOCATION: Record<string, FieldLocation> = {
  FIELD_KIND_QUERY: 'query',
  FIELD_KIND_HEADER: 'header',
  FIELD_KIND_COOKIE: 'cookie',
  FIELD_KIND_PATH: 'path',
};

const NONE: readonly unknown[] = [];
/** A repeated field as a list (entries that are not objects are skipped where it is read). */
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : NONE);

/** Clamps a gateway timestamp into [now − 7 days, now + 5 min]: a wrong clock must not scatter aggregates. */
function clampTs(ts: number, now: number): number {
  return ts <= 0 || ts > now + 300_000 || ts < now - 7 * 86_400_000 ? now : ts;
}

/** What JSON.stringify escapes in a string: control characters, quote, backslash, (lone) surrogates. */
const JSON_ESCAPES = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** `s` as a JSON string, as JSON.stringify writes it. */
function jsonString(s: string): string {
  return JSON_ESCAPES.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Appends `"key":json` to the parts of a JSON object being written (without its closing brace). */
function member(parts: string[], key: string, json: string): void {
  parts.push(parts.length ? ',"' : '{"', key, '":', json);
}

/** Bounds and types one event of a validated batch (`now` clamps its timestamp). Pure: the same input gives the same event. */
export function prepareEvent(raw: ApiEvent & Record<string, unknown>, gatewayId: string, now: number, limits: BatchLimits): PreparedEvent {
  const S = limits.maxStringLength;
  const host = str(raw.host, 256);
  const method = str(raw.method, 16);
  const path = str(raw.path, limits.maxPathLength);
  const auth = isObj(raw.auth) ? raw.auth : {};
  const verdict = isObj(raw.verdict) ? raw.verdict : {};
  const params: ObservedEvent['params'] = [];
  const fields: ObservedEvent['fields'] = [];
  let budget = limits.maxFieldsPerEvent;
  for (const p of list(raw.params)) {
    if (!isObj(p)) continue;
    if (budget-- <= 0) break;
    const location = PARAM_LOCATION[enumName('FieldKind', p.in)] ?? 'query';
    params.push(
      withValue({ location, name: str(p.name, S), type: enumName('JsonType', p.type), format: knownFormat(str(p.format, 32)) }, p),
    );
  }
  budget = shapeFields(fields, 'request', raw.requestShape, budget, S);
  shapeFields(fields, 'response', raw.responseShape, budget, S);
  const findings: ObservedEvent['findings'] = [];
  const findingDetail: unknown[] = [];
  const rawFindings = list(raw.findings);
  for (let i = 0; i < rawFindings.length && findings.length < limits.maxFindingsPerEvent; i++) {
    const f = rawFindings[i];
    if (!isObj(f)) continue;
    const loc = isObj(f.location) ? f.location : {};
    const direction = enumName('Direction', loc.direction) || 'DIRECTION_UNSPECIFIED';
    findings.push({
      type: str(f.type, 64),
      category: enumName('DataCategory', f.category),
      direction,
      valueHash: hashHex(f.valueHash),
    });
    findingDetail.push({
      type: str(f.type, 64),
      severity: enumName('Severity', f.severity),
      confidence: num(f.confidence),
      masked: str(f.masked, 64),
      location: { direction, field: enumName('FieldKind', loc.field), name: str(loc.name, S), jsonPath: str(loc.jsonPath, S) },
    });
  }
  const action = enumName('Action', verdict.action);
  // The row's detail JSON, written member by member in the order JSON.stringify of the object gave
  // (generic serialisation of a fresh object per event was a tenth of the preparation time), and
  // joined once: the row keeps it until its commit, as one flat string rather than a tree of
  // concatenations for the collector to copy.
  const detail: string[] = [];
  if (raw.requestId) member(detail, 'requestId', jsonString(str(raw.requestId, S)));
  if (raw.userAgent) member(detail, 'userAgent', jsonString(str(raw.userAgent, S)));
  if (raw.scheme) member(detail, 'scheme', jsonString(str(raw.scheme, 8)));
  if (raw.pathTemplate) member(detail, 'gatewayTemplate', jsonString(str(raw.pathTemplate, limits.maxPathLength)));
  if (auth.jwtAlg || auth.keyName)
    member(detail, 'auth', `{"jwtAlg":${jsonString(str(auth.jwtAlg, 32))},"keyName":${jsonString(str(auth.keyName, S))}}`);
  // Parameters and body shapes are not repeated per event: they are merged per endpoint
  // (endpoint_fields), which is what every reader uses, and they would triple the row size.
  if (findingDetail.length) member(detail, 'findings', JSON.stringify(findingDetail));
  // A verdict is kept only beside other detail (an event with nothing else keeps no detail).
  if (detail.length && action && action !== 'ACTION_UNSPECIFIED') {
    member(
      detail,
      'verdict',
      JSON.stringify({
        action,
        mode: enumName('Mode', verdict.mode),
        policyId: str(verdict.policyId, S),
        enforced: verdict.enforced === true,
        status: num(verdict.status),
        reason: str(verdict.reason, S),
      }),
    );
  }
  if (detail.length) detail.push('}');
  const observed: ObservedEvent = {
    timestampMs: clampTs(num(raw.timestampMs), now),
    status: Math.min(999, num(raw.status)),
    latencyUs: num(raw.latencyUs),
    requestBytes: num(raw.requestBytes),
    responseBytes: num(raw.responseBytes),
    clientIp: str(raw.clientIp, 64),
    upstreamIp: str(raw.upstreamIp, 64),
    authScheme: enumName('AuthScheme', auth.scheme),
    jwtAlg: jwtAlgName(str(auth.jwtAlg, 32)),
    blocked: action === 'ACTION_BLOCK' && verdict.enforced === true,
    params,
    fields,
    findings,
  };
  const record: EventRecord = {
    gatewayId,
    eventId: u64(raw.id) ?? '0',
    timestampMs: observed.timestampMs,
    receivedMs: 0,
    host,
    method,
    path,
    endpointId: '',
    status: observed.status,
    latencyUs: observed.latencyUs,
    requestBytes: observed.requestBytes,
    responseBytes: observed.responseBytes,
    clientIp: observed.clientIp,
    upstreamIp: observed.upstreamIp,
    authScheme: observed.authScheme,
    findingCount: findings.length,
    action: action === 'ACTION_UNSPECIFIED' ? '' : action,
    rulesVersion: u64(raw.rulesVersion) ?? '0',
    detail: detail.join(''),
  };
  return { record, observed };
}

/**
 * Adds FieldShape / Parameter value_hash (exactly 8 bytes, as hex) and value (token-like only) to a
 * field of a sketched location. Whether the value may be kept (its hash released) is decided with
 * the endpoint id (endpoint-aggregate.ts); a value without a valid hash is dropped here.
 */
function withValue(field: ObservedField, raw: Record<string, unknown>): ObservedField {
  if (!SKETCHED_LOCATIONS.has(field.location)) return field;
  const hash = hashHex(raw.valueHash);
  if (hash.length !== 16) return field;
  field.valueHash = hash;
  if (typeof raw.value === 'string' && isTokenLike(raw.value)) field.value = raw.value;
  return field;
}

/** Appends the fields of a body shape to `out` within `budget`; returns the budget left. */
function shapeFields(out: ObservedEvent['fields'], location: FieldLocation, shape: unknown, budget: number, maxLength: number): number {
  if (!isObj(shape)) return budget;
  for (const f of list(shape.fields)) {
    if (!isObj(f)) continue;
    if (budget-- <= 0) break;
    out.push(
      withValue({ location, name: str(f.path, maxLength), type: enumName('JsonType', f.type), format: knownFormat(str(f.format, 32)) }, f),
    );
  }
  return budget;
}

/** The key and counters of a validated batch. */
export function batchHeader(batch: ReportBatch): BatchHeader {
  const counters = isObj(batch.counters) ? batch.counters : {};
  return {
    key: { gatewayId: String(batch.gatewayId), bootId: str(batch.bootId, 128), sequence: u64(batch.sequence) ?? '0' },
    droppedSinceBoot: num(counters.eventsDropped),
    requestsSinceBoot: num(counters.requestsSeen),
  };
}
