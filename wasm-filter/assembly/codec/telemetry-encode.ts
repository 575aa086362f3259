// Encoders for what the filter sends: ApiEvent (encoded once, when queued), ReportBatch (built
// from already-encoded events, so a flush only copies bytes) and WatchRulesRequest. Field numbers
// follow telemetry.proto / gateway.proto; golden vectors in test/vectors/codec/ pin the bytes.
import { ProtoWriter } from "./writer";
import { ApiEvent, BodyShape, EventFinding, GatewayCounters } from "../telemetry/event";

function encodeFinding(f: EventFinding): ProtoWriter {
  const w = new ProtoWriter(128);
  w.string(1, f.type);
  w.uint32(2, f.category);
  w.uint32(3, f.severity);
  const loc = new ProtoWriter(64);
  loc.uint32(1, f.direction);
  loc.uint32(2, f.field);
  loc.string(3, f.name);
  loc.string(4, f.jsonPath);
  loc.uint32(5, f.start);
  loc.uint32(6, f.end);
  w.message(4, loc);
  w.uint32(5, f.confidence);
  w.string(6, f.masked);
  if (f.valueHash != 0) {
    const h = new ArrayBuffer(8);
    store<u64>(changetype<usize>(h), f.valueHash);
    w.bytes(7, h);
  }
  return w;
}

function encodeShape(s: BodyShape): ProtoWriter {
  const w = new ProtoWriter(64);
  w.string(1, s.contentType);
  for (let i = 0; i < s.fields.length; i++) {
    const f = new ProtoWriter(32);
    f.string(1, s.fields[i].path);
    f.uint32(2, s.fields[i].type);
    f.string(3, s.fields[i].format);
    w.message(2, f, true);
  }
  w.bool(3, s.truncated);
  w.uint32(4, s.fieldsDropped);
  w.string(5, s.notInspectedReason);
  return w;
}

export function encodeApiEvent(e: ApiEvent): ArrayBuffer {
  const w = new ProtoWriter(512);
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
  const auth = new ProtoWriter(32);
  auth.uint32(1, e.authScheme);
  auth.string(2, e.jwtAlg);
  auth.string(3, e.keyName);
  w.message(13, auth);
  for (let i = 0; i < e.params.length; i++) {
    const p = new ProtoWriter(32);
    p.string(1, e.params[i].name);
    p.uint32(2, e.params[i].kind);
    p.uint32(3, e.params[i].type);
    p.string(4, e.params[i].format);
    w.message(14, p, true);
  }
  w.message(15, encodeShape(e.requestShape));
  w.message(16, encodeShape(e.responseShape));
  for (let i = 0; i < e.findings.length; i++) w.message(17, encodeFinding(e.findings[i]), true);
  const v = new ProtoWriter(64);
  v.uint32(1, e.verdict.action);
  v.uint32(2, e.verdict.mode);
  v.string(3, e.verdict.policyId);
  v.bool(4, e.verdict.enforced);
  v.uint32(5, e.verdict.status);
  v.string(6, e.verdict.reason);
  v.uint32(7, e.verdict.direction);
  w.message(18, v);
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
