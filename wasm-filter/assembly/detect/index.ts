// The detection scanner's public API — the only file of detect/ the filter imports.
//
// How the filter uses it (stable; additions only):
//
//   import { decodeRuleSetDetectors } from "../codec/rules-detectors";
//   import { Scanner, Findings, ScanLimits, bodySyntax, FIELD_HEADER } from "./detect";
//
//   // Once per RuleSet (built-in bytes at start, then every RuleSet pushed by WatchRules):
//   const rules = decodeRuleSetDetectors(ptr, len);      // RuleSetDetectors | null (malformed: keep
//                                                          // the previous scanner, see lastRulesError)
//   const scanner = new Scanner(rules!, hashKey0, hashKey1); // SipHash key of Finding.value_hash
//
//   // Once per exchange (reuse the objects; no allocation per byte):
//   const out = new Findings();                           // out.clear() between exchanges
//   const limits = new ScanLimits();                      // bounds: bytes per field, findings, candidates
//   scanner.scanHeader("authorization", ptr, len, out, limits);  // name lower case
//   scanner.scanQuery(ptr, len, out, limits);                   // raw query string, without "?"
//   scanner.scanBody(bodySyntax(contentType), ptr, len, out, limits);
//   for (let i = 0; i < out.count; i++) { const f = out.at(i); f.type, f.field, f.name, f.start,
//     f.end, f.jsonPath, f.confidence, f.masked, f.valueHash, f.category, f.severity ... }
//
// Offsets are UTF-8 byte offsets into the field exactly as on the wire (start inclusive, end
// exclusive); the value is judged after decoding (JSON escapes, percent-encoding and `+`, XML
// entities, base64 of Basic credentials). `field` is the proto FieldKind number, `category` and
// `severity` the proto enum numbers, so the codec can copy them into a Finding unchanged.
// Work per call is bounded by ScanLimits; bytes past maxFieldBytes are not inspected and
// `out.truncated` is set.

export { Finding, Findings } from "./findings";
export { ScanLimits } from "./scan-limits";
export { Scanner } from "./scanner";
export {
  bodySyntax,
  bodyMode,
  SYNTAX_TEXT,
  SYNTAX_JSON,
  SYNTAX_FORM,
  SYNTAX_XML,
  SYNTAX_CSV,
  FIELD_PATH,
  FIELD_QUERY,
  FIELD_HEADER,
  FIELD_BODY,
  FIELD_COOKIE,
} from "./field-kinds";
