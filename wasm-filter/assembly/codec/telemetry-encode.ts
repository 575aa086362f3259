// Encoders for what the filter sends: ApiEvent (encoded once, when queued), ReportBatch (built
// from already-encoded events, so a flush only copies bytes) and WatchRulesRequest. Field numbers
// follow telemetry.proto / gateway.proto; golden vectors in test/vectors/codec/ pin the bytes.
import { ProtoWriter } from "./writer";
import { ApiEvent, BodyShape, EventFinding, FieldShape, GatewayCounters } from "../telemetry/event";
import { Finding } from "../detect/findings";
import { Direction } from "../policy/model";
import { putScannedFinding } from "./scanned-finding";

// One writer for every event, reset each time: callbacks never nest, and finish() copies the
// bytes out, so its buffer (grown to the largest event seen) is reused instead of regrown.
const EVENT_WRITER = new ProtoWriter(1024);

function encodeFinding(w: ProtoWriter, f: EventFinding): void {
  const m = beginFinding(w, f.type, f.category, f.severity);
  const loc = beginLocation(w, f.direction, f.field, f.name);
  w.string(4, f.jsonPath);
  endLocation(w, loc, f.start, f.end, f.confidence);
  w.string(6, f.masked);
  endFinding(w, m, f.valueHash);
}

/** A scanner Finding as the same ApiEvent.findings entry EventFinding would give, without the copy. */
function encodeScanned(w: ProtoWriter, f: Finding, direction: u32): void {
  if (putScannedFinding(w, f, direction)) return;
  const m = beginFinding(w, f.type, <u32>f.category, <u32>f.severity);
  const loc = beginLocation(w, direction, <u32>f.field, f.name);
  // The path is kept as UTF-8: the same field string(4, f.jsonPath) would write.
  w.rawField(4, changetype<usize>(f.pathBytes), f.pathLength);
  endLocation(w, loc, f.start, f.end, f.confidence);
  // The preview's ASCII bytes are its UTF-8: the same field string(6, f.masked) would write.
  w.rawField(6, changetype<usize>(f.maskedBytes), f.maskedLength);
  endFinding(w, m, f.valueHash);
}

/** Finding fields 1-3; the caller writes the location (4) with beginLocation() and endLocation(). */
function beginFinding(w: ProtoWriter, type: string, category: u32, severity: u32): i32 {
  const m = w.begin(17);
  w.string(1, type);
  w.uint32(2, category);
  w.uint32(3, severity);
  return m;
}

/** Location fields 1-3; the caller writes json_path (4), then endLocation(). */
function beginLocation(w: ProtoWriter, direction: u32, field: u32, name: string): i32 {
  const loc = w.begin(4);
  w.uint32(1, direction);
  w.uint32(2, field);
  w.string(3, name);
  return loc;
}

/** Location fields 5-6, then Finding.confidence (5); the caller writes masked (6), then endFinding(). */
function endLocation(w: ProtoWriter, loc: i32, start: u32, end: u32, confidence: u32): void {
  w.uint32(5, start);
  w.uint32(6, end);
  w.end(loc);
  w.uint32(5, confidence);
}

function endFinding(w: ProtoWriter, m: i32, valueHash: u64): void {
  if (valueHash != 0) w.bytes8(7, valueHash);
  w.end(m, true);
}

const FIELD_WRITER = new ProtoWriter(256);

/**
 * FieldShape fields 1-3 of `f`, encoded the first time an event lists it: the shape collector
 * lists the same FieldShape objects exchange after exchange (field-intern.ts).
 */
function fieldShapeBytes(f: FieldShape): ArrayBuffer {
  const kept = f.encoded;
  if (kept !== null) return kept;
  const w = FIELD_WRITER;
  w.reset();
  w.string(1, f.path);
  w.uint32(2, f.type);
  w.string(3, f.format);
  const bytes = w.finish();
  f.encoded = bytes;
  return bytes;
}

function encodeShape(w: ProtoWriter, field: u32, s: BodyShape): void {
  const m = w.begin(field);
  w.string(1, s.contentType);
  const values = s.values;
  let next = 0; // values[next] is the next field's with a value hash, if any
  for (let i = 0; i < s.fields.length; i++) {
    const f = w.begin(2);
    const bytes = fieldShapeBytes(s.fields[i]);
    w.rawBytes(changetype<usize>(bytes), bytes.byteLength);
    if (next < values.length && values[next].index == i) {
      const v = values[next++];
      w.bytes8(4, v.hash);
      w.string(5, v.value);
    }
    w.end(f, true);
  }
  w.bool(3, s.truncated);
  w.uint32(4, s.fieldsDropped);
  w.string(5, s.notInspectedReason);
  w.end(m);
}

export function encodeApiEvent(e: ApiEvent): ArrayBuffer {
  const w = EVENT_WRITER;
  w.reset();
  w.uint64(1, e.id);
  w.uint64(2, e.timestampMs);
  w.string(3, e.requestId);
  w.string(4, e.host);
  w.string(5, e.method);
  w.string(6, e.path);
  w.string(7, e.pathTemplate);
  w.uint32(8, e.status);
  w.uint64(9, e.requestBytes);
  w.uint64(10, e.responseBytes);
  w.uint32(11, e.latencyUs);
  w.string(12, e.clientIp);
  const auth = w.begin(13);
  w.uint32(1, e.authScheme);
  w.string(2, e.jwtAlg);
  w.string(3, e.keyName);
  w.end(auth);
  for (let i = 0; i < e.params.length; i++) {
    const p = w.begin(14);
    w.string(1, e.params[i].name);
    w.uint32(2, e.params[i].kind);
    w.uint32(3, e.params[i].type);
    w.string(4, e.params[i].format);
    if (e.params[i].valueHash != 0) w.bytes8(5, e.params[i].valueHash);
    w.string(6, e.params[i].value);
    w.end(p, true);
  }
  encodeShape(w, 15, e.requestShape);
  encodeShape(w, 16, e.responseShape);
  for (let i = 0; i < e.findings.length; i++) encodeFinding(w, e.findings[i]);
  const scanned = e.scanned;
  if (scanned !== null) {
    for (let i = 0; i < scanned.count; i++) encodeScanned(w, scanned.at(i), i < e.scannedRequestCount ? Direction.Request : Direction.Response);
  }
  const v = w.begin(18);
  w.uint32(1, e.verdict.action);
  w.uint32(2, e.verdict.mode);
  w.string(3, e.verdict.policyId);
  w.bool(4, e.verdict.enforced);
  w.uint32(5, e.verdict.status);
  w.string(6, e.verdict.reason);
  w.uint32(7, e.verdict.direction);
  w.end(v);
  w.uint64(19, e.rulesVersion);
  w.string(20, e.scheme);
  w.string(21, e.userAgent);
  w.string(22, e.upstreamIp);
  return w.finish();
}

/** ReportBatch from events already encoded by encodeApiEvent. */
export function encodeReportBatch(
  gatewayId: string,
  sequence: u64,
  events: Array<ArrayBuffer>,
  counters: GatewayCounters,
  sentAtMs: u64,
  bootId: string,
): ArrayBuffer {
  let size = 64;
  for (let i = 0; i < events.length; i++) size += events[i].byteLength + 6;
  const w = new ProtoWriter(size);
  w.string(1, gatewayId);
  w.uint64(2, sequence);
  for (let i = 0; i < events.length; i++) {
    // An empty ApiEvent is still an event: write the field even at length 0.
    w.rawVarint((3 << 3) | 2);
    w.rawVarint(<u64>events[i].byteLength);
    w.rawBytes(changetype<usize>(events[i]), events[i].byteLength);
  }
  const c = new ProtoWriter(32);
  c.uint64(1, counters.requestsSeen);
  c.uint64(2, counters.eventsQueued);
  c.uint64(3, counters.eventsDropped);
  c.uint64(4, counters.inspectionErrors);
  c.uint64(5, counters.failOpenUsed);
  w.message(4, c);
  w.uint64(5, sentAtMs);
  w.string(6, bootId);
  return w.finish();
}

/** palisade.v1.GatewayInfo */
export class GatewayInfo {
  id: string = "";
  kind: u32 = 0;
  version: string = "";
  hostname: string = "";
  bootId: string = "";
}

export function encodeWatchRulesRequest(
  gateway: GatewayInfo | null,
  heldVersion: u64,
  appliedVersion: u64,
  rejectedVersion: u64,
  rejectReason: string,
  detectorsDigest: string = "",
): ArrayBuffer {
  const w = new ProtoWriter(128);
  if (gateway !== null) {
    const g = new ProtoWriter(64);
    g.string(1, gateway.id);
    g.uint32(2, gateway.kind);
    g.string(3, gateway.version);
    g.string(4, gateway.hostname);
    g.string(5, gateway.bootId);
    w.message(1, g, true);
  }
  w.uint64(2, heldVersion);
  w.uint64(3, appliedVersion);
  w.uint64(4, rejectedVersion);
  w.string(5, rejectReason);
  w.string(6, detectorsDigest);
  return w.finish();
}

/**
 * envoy.config.core.v3.GrpcService{envoy_grpc{cluster_name, authority}} — what Envoy parses the
 * grpc service argument as before falling back to a plain cluster name (notes §6). Used only
 * when an authority is configured.
 */
export function encodeEnvoyGrpcService(cluster: string, authority: string): ArrayBuffer {
  const inner = new ProtoWriter(64);
  inner.string(1, cluster);
  inner.string(2, authority);
  const w = new ProtoWriter(80);
  w.message(1, inner, true);
  return w.finish();
}
