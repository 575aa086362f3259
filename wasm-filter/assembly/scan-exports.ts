// Exports that let a host call the detection scanner of palisade.wasm directly, without the
// Proxy-Wasm ABI: `palisade scan`, the shared detection vectors and the benchmarks run the very
// module Envoy loads. Envoy ignores exports it does not know, and these import nothing.
//
// Protocol (all integers i32 unless noted; strings and bytes are UTF-8 in module memory):
//   p = palisade_scan_alloc(n) / palisade_scan_free(p)     memory for inputs, owned by the host
//   palisade_scan_rules(p, n) -> 0 ok | 1 refused            serialized RuleSet; refused keeps the
//                                                           previous one, reason via result below
//   palisade_scan_hash_key(k0: i64, k1: i64)                 SipHash key of Finding.value_hash
//   palisade_scan_begin(maxBodyBytes, minConfidence, maxFindings)  (0 = RuleSet setting / default)
//   palisade_scan_header(nameP, nameN, valueP, valueN)       in message order
//   palisade_scan_query(p, n)
//   palisade_scan_body(contentTypeP, contentTypeN, p, n)
//   n = palisade_scan_end(); p = palisade_scan_result()      JSON (below), valid until the next call
//   h: i64 = palisade_scan_value_hash(location, pathP, pathN, valueP, valueN)   value_hash of a
//                                                           field's first value (telemetry/value-hash.ts), 0: none
// Result JSON: {"truncated":bool,"findings":[{"type","field","start","end","confidence","path"?,
//   "masked","severity","category","valueHash"}]} — severity/category are proto enum numbers,
//   valueHash 16 hex digits (u64 little-endian bytes, as Finding.value_hash).
import { decodeRuleSetDetectors, lastRulesError, RuleSetDetectors } from "./codec/rules-detectors";
import { bodySyntax, FIELD_BODY, FIELD_HEADER, Findings, Scanner, ScanLimits } from "./detect";
import { formatOf } from "./telemetry/format";
import { beginValues, valueHashOf } from "./telemetry/value-hash";
import { collectIfDue, noteInputBytes } from "./abi/collector";
import { asciiLower } from "./util/ascii";

let scanner: Scanner | null = null;
let rules: RuleSetDetectors | null = null;
let hashKey0: u64 = 0;
let hashKey1: u64 = 0;
const findings = new Findings();
const limits = new ScanLimits();
let result: ArrayBuffer = new ArrayBuffer(0);

export function palisade_scan_alloc(n: usize): usize {
  return heap.alloc(n);
}

export function palisade_scan_free(p: usize): void {
  heap.free(p);
}

export function palisade_scan_rules(p: usize, n: usize): i32 {
  const decoded = decodeRuleSetDetectors(p, n);
  if (decoded === null) {
    result = String.UTF8.encode(lastRulesError);
    return 1;
  }
  rules = decoded;
  scanner = new Scanner(decoded, hashKey0, hashKey1);
  result = new ArrayBuffer(0);
  noteInputBytes(n);
  collectIfDue();
  return 0;
}

export function palisade_scan_hash_key(k0: u64, k1: u64): void {
  hashKey0 = k0;
  hashKey1 = k1;
  const s = scanner;
  if (s !== null) {
    s.hashKey0 = k0;
    s.hashKey1 = k1;
  }
}

export function palisade_scan_begin(maxBodyBytes: u32, minConfidence: u32, maxFindings: u32): void {
  findings.clear();
  const r = rules;
  limits.applySettings(
    maxBodyBytes != 0 || r === null ? maxBodyBytes : r.maxBodyBytes,
    minConfidence != 0 || r === null ? minConfidence : r.minConfidence,
    maxFindings != 0 || r === null ? maxFindings : r.maxFindingsPerEvent,
  );
}

export function palisade_scan_header(nameP: usize, nameN: usize, valueP: usize, valueN: usize): void {
  const s = scanner;
  if (s !== null) s.scanHeader(asciiLower(String.UTF8.decodeUnsafe(nameP, nameN)), valueP, valueN, findings, limits);
  noteInputBytes(valueN);
  collectIfDue();
}

export function palisade_scan_query(p: usize, n: usize): void {
  const s = scanner;
  if (s !== null) s.scanQuery(p, n, findings, limits);
  noteInputBytes(n);
  collectIfDue();
}

export function palisade_scan_body(ctP: usize, ctN: usize, p: usize, n: usize): void {
  const s = scanner;
  if (s !== null) s.scanBody(bodySyntax(String.UTF8.decodeUnsafe(ctP, ctN)), p, n, findings, limits);
  noteInputBytes(n);
  collectIfDue();
}

export function palisade_scan_end(): usize {
  // Parts joined once: `+=` on a growing string copies it every time (quadratic in findings).
  const parts = new Array<string>();
  parts.push('{"truncated":' + (findings.truncated ? "true" : "false") + ',"findings":[');
  for (let i = 0; i < findings.count; i++) {
    const f = findings.at(i);
    const field = f.field == FIELD_HEADER ? "header:" + f.name : f.field == FIELD_BODY ? "body" : "query";
    let one = (i > 0 ? "," : "") + '{"type":' + jsonString(f.type) + ',"field":' + jsonString(field);
    one += ',"start":' + f.start.toString() + ',"end":' + f.end.toString() + ',"confidence":' + f.confidence.toString();
    if (f.jsonPath.length > 0) one += ',"path":' + jsonString(f.jsonPath);
    one += ',"masked":' + jsonString(f.masked) + ',"severity":' + f.severity.toString() + ',"category":' + f.category.toString();
    one += ',"valueHash":"' + hex64le(f.valueHash) + '"}';
    parts.push(one);
  }
  parts.push("]}");
  result = String.UTF8.encode(parts.join(""));
  collectIfDue();
  return <usize>result.byteLength;
}

export function palisade_scan_result(): usize {
  return changetype<usize>(result);
}

export function palisade_scan_result_length(): usize {
  return <usize>result.byteLength;
}

const HEX = "0123456789abcdef";

/** The 8 bytes of v in little-endian order, as hex. */
function hex64le(v: u64): string {
  let s = "";
  for (let i = 0; i < 8; i++) {
    const b = <i32>((v >> (<u64>i * 8)) & 0xff);
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return s;
}

/** A JSON string literal (RFC 8259 §7). */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34) out += '\\"';
    else if (c == 92) out += "\\\\";
    else if (c < 0x20) out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/**
 * FieldShape/Parameter.value_hash the filter sends for a first value [vp, vp+vn) of field path
 * [pp, pp+pn) at `location` (`q`, `i` or `o`) under the key set above, 0 when it sends none; the
 * shared vectors (test/vectors/value-hash/) run through it.
 */
export function palisade_scan_value_hash(location: u32, pp: usize, pn: usize, vp: usize, vn: usize): u64 {
  if (formatOf(vp, vn).length > 0) return 0; // a recognised format is not an enum value
  beginValues(hashKey0, hashKey1, <u8>location, null);
  const hash = valueHashOf(String.UTF8.decodeUnsafe(pp, pn), vp, vn);
  collectIfDue();
  return hash;
}
