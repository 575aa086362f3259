// Reading a RuleSet in canonical proto JSON (GET /v1/rules, the LookupCache value, the embedded
// built-ins). A rule set that does not parse or does not have the shape the scanner and the
// matcher rely on is refused with a stable reason; the caller then falls back to the embedded
// built-in set (issue 8, "Bad input"), so corrupt cached rules never stop traffic.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.ruleSet = (function () {
  "use strict";

  var DEFAULT_SETTINGS = {
    maxBodyBytes: 65536,
    inspectContentTypes: ["application/json", "application/*+json", "application/x-www-form-urlencoded", "application/xml", "text/*"],
    samplePercent: 100,
    minConfidence: 0,
    maxFindingsPerEvent: 50,
    maxShapeFields: 200,
    defaultMode: "MODE_ENFORCE"
  };

  function isArrayOrAbsent(v) {
    return v === undefined || v === null || Object.prototype.toString.call(v) === "[object Array]";
  }

  function positive(v, fallback) {
    var n = typeof v === "string" ? parseInt(v, 10) : v;
    return typeof n === "number" && n > 0 && n === Math.floor(n) ? n : fallback;
  }

  // Settings with the zero values replaced by the documented defaults (rules.proto Settings).
  function settingsOf(raw) {
    var s = raw && typeof raw === "object" ? raw : {};
    var mode = Palisade.enums.name("Mode", s.defaultMode);
    return {
      maxBodyBytes: positive(s.maxBodyBytes, DEFAULT_SETTINGS.maxBodyBytes),
      inspectContentTypes:
        isArrayOrAbsent(s.inspectContentTypes) && s.inspectContentTypes && s.inspectContentTypes.length > 0
          ? s.inspectContentTypes
          : DEFAULT_SETTINGS.inspectContentTypes,
      samplePercent: Math.min(100, positive(s.samplePercent, DEFAULT_SETTINGS.samplePercent)),
      minConfidence: positive(s.minConfidence, DEFAULT_SETTINGS.minConfidence),
      maxFindingsPerEvent: positive(s.maxFindingsPerEvent, DEFAULT_SETTINGS.maxFindingsPerEvent),
      maxShapeFields: positive(s.maxShapeFields, DEFAULT_SETTINGS.maxShapeFields),
      defaultMode: mode === "MODE_UNSPECIFIED" ? DEFAULT_SETTINGS.defaultMode : mode
    };
  }

  // The same refusals as the filter (test/vectors/policy "refused" cases): one bad policy refuses
  // the whole set, so the gateway never enforces half of what was published.
  function policyProblem(p) {
    if (!p || typeof p !== "object" || typeof p.id !== "string" || p.id.length === 0) return "bad-policy";
    var m = p.match || {};
    var cidrs = m.clientCidrs || [];
    for (var c = 0; c < cidrs.length; c++) if (Palisade.cidr.parse(String(cidrs[c])) === null) return "bad-cidr";
    var paths = m.paths || [];
    for (var t = 0; t < paths.length; t++) if (!Palisade.pathTemplate.valid(paths[t])) return "bad-path-template";
    var action = Palisade.enums.name("Action", p.action);
    if (action === "ACTION_RATE_LIMIT" && !(parseInt((p.rateLimit || {}).rate || 0, 10) > 0)) return "bad-rate-limit";
    if (p.block && p.block.status !== undefined && p.block.status !== null) {
      var status = parseInt(p.block.status, 10);
      if (status !== 0 && !(status >= 200 && status <= 599)) return "bad-block-status";
    }
    return null;
  }

  // Checks what the policy depends on; returns null when usable, else a short reason.
  function problem(rs) {
    if (!rs || typeof rs !== "object" || Object.prototype.toString.call(rs) === "[object Array]") {
      return "not-an-object";
    }
    if (rs.version !== undefined && !/^\d+$/.test(String(rs.version))) return "bad-version";
    if (!isArrayOrAbsent(rs.automata) || !isArrayOrAbsent(rs.detectors) || !isArrayOrAbsent(rs.policies)) {
      return "bad-lists";
    }
    var policies = rs.policies || [];
    var ids = {};
    for (var i = 0; i < policies.length; i++) {
      var why = policyProblem(policies[i]);
      if (why !== null) return why;
      if (Object.prototype.hasOwnProperty.call(ids, policies[i].id)) return "duplicate-policy-id";
      ids[policies[i].id] = true;
    }
    var detectors = rs.detectors || [];
    for (var j = 0; j < detectors.length; j++) {
      if (!detectors[j] || typeof detectors[j].id !== "string") return "bad-detector";
    }
    return releasesProblem(rs.valueReleases);
  }

  // RuleSet.value_releases: each one endpoint (host, method, valid path template) and hashes in
  // ascending order, as the filter requires; anything else refuses the set, as in the filter.
  function releasesProblem(releases) {
    if (releases === undefined || releases === null) return null;
    if (Object.prototype.toString.call(releases) !== "[object Array]") return "bad-value-releases";
    for (var i = 0; i < releases.length; i++) {
      var r = releases[i];
      var m = r && r.endpoint;
      if (!m || !nonEmptyList(m.hosts) || !nonEmptyList(m.methods) || !nonEmptyList(m.paths)) return "bad-value-releases";
      for (var t = 0; t < m.paths.length; t++) if (!Palisade.pathTemplate.valid(m.paths[t])) return "bad-value-releases";
      if (Palisade.valueHash.hashesProblem(r.hashes || [])) return "bad-value-releases";
    }
    return null;
  }

  function nonEmptyList(v) {
    return Object.prototype.toString.call(v) === "[object Array]" && v.length > 0;
  }

  // Parses JSON text. Returns { ruleSet, error } where error is null or one of: `missing`,
  // `not-json`, `not-an-object`, `bad-version`, `bad-lists`, `bad-policy`, `bad-detector`,
  // `duplicate-policy-id`, `bad-cidr`, `bad-path-template`, `bad-rate-limit`, `bad-block-status`,
  // `bad-value-releases`.
  function parse(text) {
    if (text === null || text === undefined || String(text).length === 0) return { ruleSet: null, error: "missing" };
    var parsed;
    try {
      parsed = JSON.parse(String(text));
    } catch (e) {
      return { ruleSet: null, error: "not-json" };
    }
    var why = problem(parsed);
    return why === null ? { ruleSet: parsed, error: null } : { ruleSet: null, error: why };
  }

  function version(rs) {
    return rs && rs.version !== undefined ? String(rs.version) : "0";
  }

  // Detector id → detector, for category and severity of findings.
  function detectorIndex(rs) {
    var index = {};
    var list = (rs && rs.detectors) || [];
    for (var i = 0; i < list.length; i++) index[list[i].id] = list[i];
    return index;
  }

  return {
    parse: parse,
    problem: problem,
    settingsOf: settingsOf,
    version: version,
    detectorIndex: detectorIndex,
    DEFAULT_SETTINGS: DEFAULT_SETTINGS
  };
})();
