// The plugin configuration (Envoy PluginConfig.configuration, JSON), parsed once in on_configure
// into an immutable, validated object (STYLE.md §3). A bad value refuses the plugin with one log
// line naming the field and the rule; request paths only read the fields below.
import { JsonKind, JsonValue, jsonError, parseJson } from "./json";

export namespace Mode {
  export const Monitor: u8 = 1;
  export const Enforce: u8 = 2;
}

export class PluginConfig {
  /** Envoy cluster of the control plane's gRPC endpoint; "" = run standalone on built-in rules. */
  controlPlaneCluster: string = "";
  /** `:authority` for the control-plane calls; "" = Envoy's default (the cluster name). */
  controlPlaneAuthority: string = "";
  gatewayId: string = "";
  token: string = "";
  /** palisade.v1.GatewayKind reported to the control plane (1 envoy, 3 dev). */
  gatewayKind: u32 = 1;
  /** Global mode: monitor never changes traffic, whatever the policies say. */
  mode: u8 = Mode.Enforce;
  maxBodyBytes: u32 = 65536;
  /** Media types inspected; entries ending in `/*` match a whole type. */
  inspectContentTypes: Array<string> = ["application/json", "application/x-www-form-urlencoded", "text/*", "application/xml"];
  samplePercent: u32 = 100;
  /** Inspection errors let traffic through (and count `fail_open_used`) unless a policy says otherwise. */
  failOpen: bool = true;
  flushIntervalMs: u32 = 1000;
  batchSize: u32 = 100;
  queueSize: u32 = 2000;
  /** 16-byte SipHash key for Finding.value_hash (32 hex chars); zero key when absent. */
  hashKey: StaticArray<u8> = new StaticArray<u8>(16);
  hashKeySet: bool = false;
  /** Envoy >= 1.35 with allow_on_headers_stop_iteration: headers can be held while reading bodies. */
  allowOnHeadersStopIteration: bool = false;
  /** Request header carrying the fleet-wide rate-limit descriptor; "" = do not set it. */
  rateLimitDescriptorHeader: string = "x-palisade-ratelimit";
}

/** Result of parsing: exactly one of `config` / `error`. */
export class ConfigResult {
  constructor(
    public config: PluginConfig | null,
    public error: string,
  ) {}
}

function bad(field: string, rule: string): ConfigResult {
  return new ConfigResult(null, "palisade: invalid plugin configuration: field `" + field + "` " + rule);
}

function hexNibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const KNOWN_FIELDS: Array<string> = [
  "control_plane_cluster",
  "control_plane_authority",
  "gateway_id",
  "token",
  "gateway_kind",
  "mode",
  "max_body_bytes",
  "inspect_content_types",
  "sample_percent",
  "fail_open",
  "flush_interval_ms",
  "batch_size",
  "queue_size",
  "hash_key",
  "allow_on_headers_stop_iteration",
  "rate_limit_descriptor_header",
];

/** Parses and validates; an empty document gives the defaults (standalone, built-in rules). */
export function parsePluginConfig(text: string): ConfigResult {
  const c = new PluginConfig();
  if (text.trim().length == 0) return new ConfigResult(c, "");
  const root = parseJson(text);
  if (root === null) return new ConfigResult(null, "palisade: invalid plugin configuration: not JSON (" + jsonError + ")");
  if (root.kind != JsonKind.Object) return bad("(root)", "must be a JSON object");
  for (let i = 0; i < root.keys.length; i++) {
    // Unknown keys are refused: a typo would otherwise silently fall back to a default.
    if (!KNOWN_FIELDS.includes(root.keys[i])) return bad(root.keys[i], "is not a known setting");
  }

  let v = root.get("control_plane_cluster");
  if (v !== null) {
    if (v.kind != JsonKind.String) return bad("control_plane_cluster", "must be a string");
    c.controlPlaneCluster = v.str;
  }
  v = root.get("control_plane_authority");
  if (v !== null) {
    if (v.kind != JsonKind.String) return bad("control_plane_authority", "must be a string");
    c.controlPlaneAuthority = v.str;
  }
  v = root.get("gateway_id");
  if (v !== null) {
    if (v.kind != JsonKind.String || v.str.length == 0 || v.str.length > 128) return bad("gateway_id", "must be a string of 1-128 characters");
    c.gatewayId = v.str;
  }
  v = root.get("token");
  if (v !== null) {
    if (v.kind != JsonKind.String) return bad("token", "must be a string");
    c.token = v.str;
  }
  if (c.controlPlaneCluster.length > 0 && (c.gatewayId.length == 0 || c.token.length == 0)) {
    return bad(c.gatewayId.length == 0 ? "gateway_id" : "token", "is required when control_plane_cluster is set");
  }
  v = root.get("gateway_kind");
  if (v !== null) {
    if (v.kind != JsonKind.String || (v.str != "envoy" && v.str != "dev")) return bad("gateway_kind", 'must be "envoy" or "dev"');
    c.gatewayKind = v.str == "dev" ? 3 : 1;
  }
  v = root.get("mode");
  if (v !== null) {
    if (v.kind != JsonKind.String || (v.str != "monitor" && v.str != "enforce")) return bad("mode", 'must be "monitor" or "enforce"');
    c.mode = v.str == "monitor" ? Mode.Monitor : Mode.Enforce;
  }
  let r = uintField(root, "max_body_bytes", 0, 16 << 20);
  if (r.error.length > 0) return bad("max_body_bytes", r.error);
  if (r.present) c.maxBodyBytes = r.value;
  r = uintField(root, "sample_percent", 0, 100);
  if (r.error.length > 0) return bad("sample_percent", r.error);
  if (r.present) c.samplePercent = r.value;
  r = uintField(root, "flush_interval_ms", 50, 600000);
  if (r.error.length > 0) return bad("flush_interval_ms", r.error);
  if (r.present) c.flushIntervalMs = r.value;
  r = uintField(root, "batch_size", 1, 10000);
  if (r.error.length > 0) return bad("batch_size", r.error);
  if (r.present) c.batchSize = r.value;
  r = uintField(root, "queue_size", 1, 100000);
  if (r.error.length > 0) return bad("queue_size", r.error);
  if (r.present) c.queueSize = r.value;
  if (c.queueSize < c.batchSize) return bad("queue_size", "must be at least batch_size");

  v = root.get("inspect_content_types");
  if (v !== null) {
    if (v.kind != JsonKind.Array) return bad("inspect_content_types", "must be an array of media types");
    const list = new Array<string>();
    for (let i = 0; i < v.items.length; i++) {
      const item = v.items[i];
      if (item.kind != JsonKind.String || item.str.indexOf("/") <= 0) return bad("inspect_content_types", "entries must be media types like application/json or text/*");
      list.push(item.str.toLowerCase());
    }
    c.inspectContentTypes = list;
  }
  v = root.get("fail_open");
  if (v !== null) {
    if (v.kind != JsonKind.Bool) return bad("fail_open", "must be true or false");
    c.failOpen = v.bool;
  }
  v = root.get("allow_on_headers_stop_iteration");
  if (v !== null) {
    if (v.kind != JsonKind.Bool) return bad("allow_on_headers_stop_iteration", "must be true or false");
    c.allowOnHeadersStopIteration = v.bool;
  }
  v = root.get("rate_limit_descriptor_header");
  if (v !== null) {
    if (v.kind != JsonKind.String || !isHeaderName(v.str)) return bad("rate_limit_descriptor_header", "must be a lower-case header name or empty");
    c.rateLimitDescriptorHeader = v.str;
  }
  v = root.get("hash_key");
  if (v !== null) {
    if (v.kind != JsonKind.String || v.str.length != 32) return bad("hash_key", "must be 32 hex characters (16 bytes)");
    for (let i = 0; i < 16; i++) {
      const hi = hexNibble(v.str.charCodeAt(2 * i));
      const lo = hexNibble(v.str.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) return bad("hash_key", "must be 32 hex characters (16 bytes)");
      c.hashKey[i] = <u8>((hi << 4) | lo);
    }
    c.hashKeySet = true;
  }
  return new ConfigResult(c, "");
}

function isHeaderName(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    const ok = (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || ch == 0x2d || ch == 0x5f;
    if (!ok) return false;
  }
  return true;
}

class UintField {
  present: bool = false;
  value: u32 = 0;
  error: string = "";
}

function uintField(root: JsonValue, name: string, min: u32, max: u32): UintField {
  const out = new UintField();
  const v = root.get(name);
  if (v === null) return out;
  out.present = true;
  if (v.kind != JsonKind.Number || v.num != Math.floor(v.num) || v.num < <f64>min || v.num > <f64>max) {
    out.error = "must be an integer from " + min.toString() + " to " + max.toString();
    return out;
  }
  out.value = <u32>v.num;
  return out;
}
