// Which RuleSet this execution uses: the control plane's (LookupCache value, or the fresh answer
// of the ServiceCallout in this transaction) when it parses and has the right shape, else the
// built-in set embedded in the bundle (palisade-builtin-rules.js defines PalisadeBuiltinRules()).
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.rulesSource = (function () {
  "use strict";

  function builtin() {
    /* global PalisadeBuiltinRules */
    if (typeof PalisadeBuiltinRules !== "function") return { ruleSet: null, error: "builtin-missing" };
    try {
      var rs = PalisadeBuiltinRules();
      var why = Palisade.ruleSet.problem(rs) || Palisade.scanner.tablesProblem(rs);
      return why === null ? { ruleSet: rs, error: null } : { ruleSet: null, error: "builtin-" + why };
    } catch (e) {
      return { ruleSet: null, error: "builtin-unreadable" };
    }
  }

  var EMPTY = { version: "0", automata: [], detectors: [], policies: [] };

  // { ruleSet, source: "control-plane" | "builtin" | "none", error }. Sets the rules variables.
  function load() {
    var V = Palisade.vars;
    var cached = Palisade.ruleSet.parse(Palisade.host.getVar(V.RULES_JSON));
    if (cached.error === null) {
      // Tables the engine cannot run would fail every inspection until the next rule set: the
      // built-ins protect better than the failure mode.
      var bad = Palisade.scanner.tablesProblem(cached.ruleSet);
      if (bad !== null) cached = { ruleSet: null, error: bad };
    }
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

  return { load: load, builtin: builtin };
})();
