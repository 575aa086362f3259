// Which RuleSet this execution uses: the control plane's (LookupCache value, or the fresh answer
// of the ServiceCallout in this transaction) when it is usable, else the built-in set embedded in
// the bundle (palisade-builtin-rules.js defines PalisadeBuiltinRules() and PalisadeBuiltinReady()).
// Every execution runs in a fresh scope, so this runs for every message: the cached value is
// normally the engine's ready form (PalisadeDetect.ready), checked whole by JS-AcceptRules when it
// arrived, and only its integrity is checked here. A plain RuleSet JSON (written by an older
// revision of the bundle) is still accepted, with all the checks, at the old cost.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.rulesSource = (function () {
  "use strict";

  function ready() {
    /* global PalisadeDetect */
    return typeof PalisadeDetect !== "undefined" && PalisadeDetect && PalisadeDetect.ready ? PalisadeDetect.ready : null;
  }

  function builtin() {
    /* global PalisadeBuiltinRules, PalisadeBuiltinReady */
    var R = ready();
    if (R !== null && typeof PalisadeBuiltinReady === "function") {
      try {
        var r = R.decode(PalisadeBuiltinReady());
        if (r.error === null) return { ruleSet: r.ruleSet, error: null };
      } catch (e) {
        // fall through to the RuleSet JSON
      }
    }
    if (typeof PalisadeBuiltinRules !== "function") return { ruleSet: null, error: "builtin-missing" };
    try {
      var rs = PalisadeBuiltinRules();
      var why = Palisade.ruleSet.problem(rs) || Palisade.scanner.tablesProblem(rs);
      return why === null ? { ruleSet: rs, error: null } : { ruleSet: null, error: "builtin-" + why };
    } catch (e) {
      return { ruleSet: null, error: "builtin-unreadable" };
    }
  }

  // The cached value as { ruleSet, error }.
  function cachedRules(value) {
    var R = ready();
    if (R !== null && R.isReady(value)) {
      try {
        return R.decode(value);
      } catch (e) {
        return { ruleSet: null, error: "ready-damaged" };
      }
    }
    var cached = Palisade.ruleSet.parse(value);
    if (cached.error === null) {
      // Tables the engine cannot run would fail every inspection until the next rule set: the
      // built-ins protect better than the failure mode.
      var bad = Palisade.scanner.tablesProblem(cached.ruleSet);
      if (bad !== null) cached = { ruleSet: null, error: bad };
    }
    return cached;
  }

  // The form of an accepted RuleSet to cache (JS-AcceptRules): the ready form, or the JSON text
  // when the bundle has no detection engine or the set is too large for the ready form (an
  // automaton of more states than a character holds). Throws when the tables are malformed.
  function cacheForm(ruleSet, json) {
    var R = ready();
    if (R === null) return json;
    try {
      return R.encode(ruleSet);
    } catch (e) {
      if (Palisade.scanner.tablesProblem(ruleSet) === null) return json;
      throw e;
    }
  }

  var EMPTY = { version: "0", automata: [], detectors: [], policies: [] };

  // { ruleSet, source: "control-plane" | "builtin" | "none", error }. Sets the rules variables.
  function load() {
    var V = Palisade.vars;
    var cached = cachedRules(Palisade.host.getVar(V.RULES_JSON));
    var chosen;
    if (cached.error === null) {
      chosen = { ruleSet: cached.ruleSet, source: "control-plane", error: null };
    } else {
      var b = builtin();
      chosen =
        b.error === null
          ? { ruleSet: b.ruleSet, source: "builtin", error: cached.error }
          : { ruleSet: EMPTY, source: "none", error: cached.error + "," + b.error };
    }
    Palisade.host.setVar(V.RULES_SOURCE, chosen.source);
    Palisade.host.setVar(V.RULES_VERSION, Palisade.ruleSet.version(chosen.ruleSet));
    if (chosen.error !== null) Palisade.host.setVar(V.RULES_ERROR, chosen.error);
    return chosen;
  }

  return { load: load, builtin: builtin, cacheForm: cacheForm };
})();
