// JS-AcceptRules: runs after SC-FetchRules when the freshness marker expired. Accepts a 200 whose
// body is a usable RuleSet (it then goes to the cache, in the engine's ready form, through PC-Rules
// / PC-RulesEtag), keeps the cached set on 304, and on anything else (control plane down, 5xx,
// corrupt body or tables) keeps serving with what it has and retries after rulesRetrySeconds
// instead of calling out on every request.
/* global Palisade */
(function () {
  "use strict";
  var V = Palisade.vars;
  var H = Palisade.host;
  var cfg = Palisade.config.parse(H.properties());
  var status = H.getInt(V.RULES_RESPONSE + ".status.code");
  var ttl = cfg.rulesRetrySeconds;
  H.setVar(V.RULES_UPDATE, false);
  try {
    if (status === 200) {
      var body = H.getVar(V.RULES_RESPONSE + ".content");
      var parsed = Palisade.ruleSet.parse(body);
      var cacheForm = null;
      if (parsed.error === null) {
        // The tables are checked here, once per rule set, and cached in the form every
        // inspection then reads at almost no cost (rules-source.js).
        try {
          cacheForm = Palisade.rulesSource.cacheForm(parsed.ruleSet, body);
        } catch (e) {
          parsed = { ruleSet: null, error: "bad-tables" };
        }
      }
      if (parsed.error === null) {
        H.setVar(V.RULES_JSON, cacheForm);
        H.setVar(V.RULES_ETAG, H.getVar(V.RULES_RESPONSE + ".header.ETag") || "none");
        H.setVar(V.RULES_UPDATE, true);
        ttl = cfg.rulesRefreshSeconds;
      } else {
        H.setVar(V.RULES_FETCH_ERROR, "invalid-rules:" + parsed.error);
      }
    } else if (status === 304) {
      if (H.getVar(V.RULES_JSON) !== null) {
        ttl = cfg.rulesRefreshSeconds;
      } else {
        // The rule set was evicted but its ETag was not: forget the ETag so the next fetch
        // gets a full answer.
        H.setVar(V.RULES_ETAG, "none");
        H.setVar(V.RULES_FETCH_ERROR, "not-modified-without-rules");
        ttl = 1;
      }
    } else {
      H.setVar(V.RULES_FETCH_ERROR, status === 0 ? "unreachable" : "status:" + status);
    }
  } catch (e) {
    H.setVar(V.RULES_FETCH_ERROR, "internal:" + (e && e.message ? e.message : String(e)));
  }
  H.setVar(V.RULES_FRESH_VALUE, String(H.now()));
  H.setVar(V.RULES_FRESH_TTL, Math.max(1, ttl));
})();
