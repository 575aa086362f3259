// Path segments are inspected like any other field, and the path the event reports carries no raw
// value: a segment with a finding is replaced by `{<type>}` (docs/filter-config.md "Path
// privacy"; the Envoy filter does the same in wasm-filter/assembly/telemetry/path-privacy.ts).
// The placeholder is a variable segment for the control plane's templater.
var Palisade = Palisade || {};

Palisade.pathPrivacy = (function () {
  "use strict";

  // Keys longer than this (UTF-8 bytes) are not a resource name (no context from them).
  var MAX_KEY_BYTES = 64;
  // Reported for a segment that was not inspected (finding limit reached, scan not run).
  var UNSCANNED = "{unscanned}";

  function asciiLower(s) {
    return s.replace(/[A-Z]+/g, function (m) {
      return m.toLowerCase();
    });
  }

  // `%XX` → byte (UTF-8 text); a `%` not followed by two hex digits stays as is; `+` is not a
  // space in a path. Bytes that are not UTF-8 leave the segment undecoded.
  function percentDecode(segment) {
    if (segment.indexOf("%") < 0) return segment;
    try {
      return decodeURIComponent(segment.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
    } catch (e) {
      return segment;
    }
  }

  // Every non-empty segment replaced: what to report when the path could not be inspected.
  function unscanned(path) {
    var segments = String(path || "").split("/");
    for (var i = 0; i < segments.length; i++) if (segments[i].length > 0) segments[i] = UNSCANNED;
    return segments.join("/");
  }

  // Scans each segment of `path` (no query) as its own field: percent-decoded, key = the previous
  // segment when that one carried no finding (`/v1/imei/<value>` gives the key `imei`), else none.
  // Returns { findings (field "path", fieldKind FIELD_KIND_PATH, name = the key, offsets into the
  // decoded segment), path (to report) }.
  function scan(ruleSet, path, limits, detectors, minConfidence) {
    var segments = String(path || "").split("/");
    var max = limits && limits.maxFindings ? limits.maxFindings : 0;
    var findings = [];
    var key = "";
    for (var i = 0; i < segments.length; i++) {
      if (segments[i].length === 0) {
        key = "";
        continue;
      }
      if (max && findings.length >= max) {
        segments[i] = UNSCANNED;
        continue;
      }
      var decoded = percentDecode(segments[i]);
      var headers = {};
      headers[key] = decoded;
      var message = { kind: "request", method: "", path: "", headers: headers, query: "", body: "", contentType: "" };
      var found = Palisade.scanner.scan(ruleSet, message, limits, detectors, minConfidence);
      var first = null;
      for (var j = 0; j < found.length; j++) {
        var f = found[j];
        f.field = "path";
        f.fieldKind = "FIELD_KIND_PATH";
        f.name = key;
        if (first === null || f.start < first.start || (f.start === first.start && f.end < first.end)) first = f;
        findings.push(f);
      }
      if (first !== null) {
        segments[i] = "{" + first.type + "}";
        key = "";
      } else {
        key = Palisade.text.utf8Length(decoded) <= MAX_KEY_BYTES ? asciiLower(decoded) : "";
      }
    }
    return { findings: findings, path: segments.join("/") };
  }

  return { scan: scan, unscanned: unscanned, percentDecode: percentDecode, UNSCANNED: UNSCANNED };
})();
