// The seam to the ES5 detection engine (apigee-sharedflow/src/detect/, owned by the detection
// engine): `PalisadeDetect.scanMessage(ruleSet, message, limits) → findings`, concatenated before
// this file in palisade-lib.js. Findings come back as the shared vectors describe them
// ({ type, field: "body"|"query"|"header:<name>", start, end, path?, confidence, masked? }) and
// are normalised here into what policies and events need.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.scanner = (function () {
  "use strict";

  function engine() {
    /* global PalisadeDetect */
    if (typeof PalisadeDetect === "undefined" || !PalisadeDetect || typeof PalisadeDetect.scanMessage !== "function") {
      throw new Error("palisade: detection engine missing from the bundle");
    }
    return PalisadeDetect;
  }

  function fieldOf(field) {
    var f = String(field || "body");
    if (f.substring(0, 7) === "header:") return { kind: "FIELD_KIND_HEADER", name: f.substring(7) };
    if (f === "query") return { kind: "FIELD_KIND_QUERY", name: "" };
    if (f === "path") return { kind: "FIELD_KIND_PATH", name: "" };
    if (f.substring(0, 7) === "cookie:") return { kind: "FIELD_KIND_COOKIE", name: f.substring(7) };
    return { kind: "FIELD_KIND_BODY", name: "" };
  }

  // message: { kind, method, path, headers: { name: value }, query, body, contentType }
  // Returns findings sorted by confidence (highest first), at most limits.maxFindings, each
  // { type, category, severity, direction, field, fieldKind, name, jsonPath, start, end,
  //   confidence, masked }.
  function scan(ruleSet, message, limits, detectors, minConfidence) {
    var raw = engine().scanMessage(ruleSet, message, limits) || [];
    var direction = message.kind === "response" ? "DIRECTION_RESPONSE" : "DIRECTION_REQUEST";
    var out = [];
    for (var i = 0; i < raw.length; i++) {
      var r = raw[i];
      var confidence = parseInt(r.confidence === undefined ? 100 : r.confidence, 10) || 0;
      if (confidence < minConfidence) continue;
      var d = detectors[r.type] || {};
      var field = fieldOf(r.field);
      out.push({
        type: String(r.type),
        category: Palisade.enums.name("DataCategory", r.category !== undefined ? r.category : d.category),
        severity: Palisade.enums.name("Severity", r.severity !== undefined ? r.severity : d.severity),
        direction: direction,
        field: String(r.field || "body"),
        fieldKind: field.kind,
        name: field.name,
        jsonPath: r.path ? String(r.path) : "",
        start: parseInt(r.start, 10) || 0,
        end: parseInt(r.end, 10) || 0,
        confidence: confidence,
        masked: r.masked ? String(r.masked) : ""
      });
    }
    return ordered(out, limits ? limits.maxFindings : 0);
  }

  // Highest confidence first, then by offset; at most `max` (0: all).
  function ordered(findings, max) {
    findings.sort(function (a, b) {
      return b.confidence - a.confidence || a.start - b.start;
    });
    if (max && findings.length > max) findings.length = max;
    return findings;
  }

  // The findings of two scans of one message (different fields), as one scan would return them.
  function merge(a, b, max) {
    return ordered(a.concat(b), max);
  }

  // Prepares the engine's tables for `ruleSet` now (the engine keeps the last set prepared, so the
  // scan that follows costs nothing more), to refuse a set whose tables are malformed before any
  // message is inspected with it. Returns null, or `bad-tables`. An absent engine is not the rule
  // set's fault: the scan reports it.
  function tablesProblem(ruleSet) {
    if (typeof PalisadeDetect === "undefined" || !PalisadeDetect || !PalisadeDetect.tables) return null;
    if (typeof PalisadeDetect.tables.prepared !== "function") return null;
    try {
      PalisadeDetect.tables.prepared(ruleSet);
      return null;
    } catch (e) {
      return "bad-tables";
    }
  }

  // The engine's time budget for `limits` (deadlineMs, now), to share between the scans of one
  // message; null without a deadline or when the engine keeps none.
  function budgetOf(limits) {
    if (typeof PalisadeDetect === "undefined" || !PalisadeDetect || !PalisadeDetect.deadline) return null;
    return PalisadeDetect.deadline.of(limits);
  }

  return { scan: scan, merge: merge, fieldOf: fieldOf, tablesProblem: tablesProblem, budgetOf: budgetOf };
})();
