// Codec entry points of the filter harness (built with policy-harness.ts by
// scripts/build-steps/45-filter-harness.mjs): the filter's own protobuf encoders and RuleSet
// loader driven by the golden vectors in test/vectors/codec/, so the bytes palisade.wasm sends are
// checked against protobufjs and what it accepts or refuses is pinned. Not part of palisade.wasm.
//
// Input is the vector's proto3 JSON with enums as numbers and 64-bit values as JSON numbers, so
// this file needs no enum tables; every function returns a pointer to an ArrayBuffer whose byte
// length sits at ptr - 4 (the AssemblyScript object header), read by the test.
import "../abi/abort";
import { encodeApiEvent, encodeReportBatch, encodeWatchRulesRequest, GatewayInfo } from "../codec/telemetry-encode";
import { JsonKind, JsonValue, jsonError, parseJson } from "../config/json";
import { BASE64_STD, base64Decode } from "../detect/base64";
import { loadRules } from "../rules/active-rules";
import { ApiEvent, BodyShape, EventFinding, EventParam, FieldShape, GatewayCounters } from "../telemetry/event";
import { jsonQuote as quote } from "../util/json-escape";

function str(o: JsonValue | null, key: string): string {
  if (o === null) return "";
  const v = o.get(key);
  return v !== null && v.kind == JsonKind.String ? v.str : "";
}

/** Numbers and numeric strings (proto3 JSON writes 64-bit integers as strings). */
function num(o: JsonValue | null, key: string): u64 {
  if (o === null) return 0;
  const v = o.get(key);
  if (v === null) return 0;
  if (v.kind == JsonKind.Number) return <u64>v.num;
  if (v.kind == JsonKind.String) return U64.parseInt(v.str);
  return 0;
}

function flag(o: JsonValue | null, key: string): bool {
  if (o === null) return false;
  const v = o.get(key);
  return v !== null && v.kind == JsonKind.Bool && v.bool;
}

function obj(o: JsonValue | null, key: string): JsonValue | null {
  if (o === null) return null;
  const v = o.get(key);
  return v !== null && v.kind == JsonKind.Object ? v : null;
}

function list(o: JsonValue | null, key: string): Array<JsonValue> {
  if (o === null) return [];
  const v = o.get(key);
  return v !== null && v.kind == JsonKind.Array ? v.items : [];
}

/** bytes value_hash: 8 bytes little-endian in base64, as proto3 JSON writes bytes. */
function hash64(b64: string): u64 {
  if (b64.length == 0) return 0;
  const src = String.UTF8.encode(b64);
  const out = new ArrayBuffer(8);
  const n = base64Decode(changetype<usize>(src), <usize>src.byteLength, changetype<usize>(out), 8, BASE64_STD);
  return n == 8 ? load<u64>(changetype<usize>(out)) : 0;
}

function shape(o: JsonValue | null): BodyShape {
  const s = new BodyShape();
  s.contentType = str(o, "contentType");
  const fields = list(o, "fields");
  for (let i = 0; i < fields.length; i++) s.fields.push(new FieldShape(str(fields[i], "path"), <u32>num(fields[i], "type"), str(fields[i], "format")));
  s.truncated = flag(o, "truncated");
  s.fieldsDropped = <u32>num(o, "fieldsDropped");
  s.notInspectedReason = str(o, "notInspectedReason");
  return s;
}

function event(o: JsonValue): ApiEvent {
  const e = new ApiEvent();
  e.id = num(o, "id");
  e.timestampMs = num(o, "timestampMs");
  e.requestId = str(o, "requestId");
  e.host = str(o, "host");
  e.method = str(o, "method");
  e.path = str(o, "path");
  e.pathTemplate = str(o, "pathTemplate");
  e.status = <u32>num(o, "status");
  e.requestBytes = num(o, "requestBytes");
  e.responseBytes = num(o, "responseBytes");
  e.latencyUs = <u32>num(o, "latencyUs");
  e.clientIp = str(o, "clientIp");
  const auth = obj(o, "auth");
  e.authScheme = <u32>num(auth, "scheme");
  e.jwtAlg = str(auth, "jwtAlg");
  e.keyName = str(auth, "keyName");
  const params = list(o, "params");
  for (let i = 0; i < params.length; i++) e.params.push(new EventParam(str(params[i], "name"), <u32>num(params[i], "in"), <u32>num(params[i], "type"), str(params[i], "format")));
  e.requestShape = shape(obj(o, "requestShape"));
  e.responseShape = shape(obj(o, "responseShape"));
  const findings = list(o, "findings");
  for (let i = 0; i < findings.length; i++) {
    const j = findings[i];
    const f = new EventFinding();
    f.type = str(j, "type");
    f.category = <u32>num(j, "category");
    f.severity = <u32>num(j, "severity");
    const loc = obj(j, "location");
    f.direction = <u32>num(loc, "direction");
    f.field = <u32>num(loc, "field");
    f.name = str(loc, "name");
    f.jsonPath = str(loc, "jsonPath");
    f.start = <u32>num(loc, "start");
    f.end = <u32>num(loc, "end");
    f.confidence = <u32>num(j, "confidence");
    f.masked = str(j, "masked");
    f.valueHash = hash64(str(j, "valueHash"));
    e.findings.push(f);
  }
  const v = obj(o, "verdict");
  e.verdict.action = <u32>num(v, "action");
  e.verdict.mode = <u32>num(v, "mode");
  e.verdict.policyId = str(v, "policyId");
  e.verdict.enforced = flag(v, "enforced");
  e.verdict.status = <u32>num(v, "status");
  e.verdict.reason = str(v, "reason");
  e.verdict.direction = <u32>num(v, "direction");
  e.rulesVersion = num(o, "rulesVersion");
  e.scheme = str(o, "scheme");
  e.userAgent = str(o, "userAgent");
  e.upstreamIp = str(o, "upstreamIp");
  return e;
}

function batch(o: JsonValue): ArrayBuffer {
  const events = new Array<ArrayBuffer>();
  const items = list(o, "events");
  for (let i = 0; i < items.length; i++) events.push(encodeApiEvent(event(items[i])));
  const c = obj(o, "counters");
  const counters = new GatewayCounters();
  counters.requestsSeen = num(c, "requestsSeen");
  counters.eventsQueued = num(c, "eventsQueued");
  counters.eventsDropped = num(c, "eventsDropped");
  counters.inspectionErrors = num(c, "inspectionErrors");
  counters.failOpenUsed = num(c, "failOpenUsed");
  return encodeReportBatch(str(o, "gatewayId"), num(o, "sequence"), events, counters, num(o, "sentAtMs"), str(o, "bootId"));
}

function watch(o: JsonValue): ArrayBuffer {
  const g = obj(o, "gateway");
  let info: GatewayInfo | null = null;
  if (g !== null) {
    info = new GatewayInfo();
    info.id = str(g, "id");
    info.kind = <u32>num(g, "kind");
    info.version = str(g, "version");
    info.hostname = str(g, "hostname");
    info.bootId = str(g, "bootId");
  }
  return encodeWatchRulesRequest(
    info,
    num(o, "heldVersion"),
    num(o, "appliedVersion"),
    num(o, "rejectedVersion"),
    str(o, "rejectReason"),
    str(o, "detectorsDigest"),
  );
}

function errorOut(message: string): usize {
  return changetype<usize>(String.UTF8.encode("error: " + message));
}

/**
 * message: 1 ApiEvent, 2 ReportBatch, 3 WatchRulesRequest; json: the message in proto3 JSON.
 * Returns the encoded bytes, or UTF-8 "error: ..." when the JSON does not parse.
 */
export function encodeMessage(message: u32, jsonPtr: usize, jsonLen: usize): usize {
  const root = parseJson(String.UTF8.decodeUnsafe(jsonPtr, jsonLen));
  if (root === null || root.kind != JsonKind.Object) return errorOut("not a JSON object: " + jsonError);
  let out: ArrayBuffer;
  if (message == 1) out = encodeApiEvent(event(root));
  else if (message == 2) out = batch(root);
  else if (message == 3) out = watch(root);
  else return errorOut("unknown message " + message.toString());
  return changetype<usize>(out);
}

/**
 * Loads RuleSet bytes exactly as a push over WatchRules is loaded (policies and detectors, fully
 * validated). Returns UTF-8 JSON: {"version":N,"policies":["id",...],"error":""} or with the error.
 */
export function loadRuleSet(ptr: usize, len: usize): usize {
  const buf = new ArrayBuffer(<i32>len);
  memory.copy(changetype<usize>(buf), ptr, len);
  const loaded = loadRules(buf, 0, 0);
  const active = loaded.active;
  let out = "";
  if (active === null) out = '{"error":' + quote(loaded.error) + "}";
  else {
    out = '{"version":' + active.version.toString() + ',"policies":[';
    const policies = active.rules.policies;
    for (let i = 0; i < policies.length; i++) out += (i > 0 ? "," : "") + quote(policies[i].id);
    out += '],"error":""}';
  }
  return changetype<usize>(String.UTF8.encode(out));
}
