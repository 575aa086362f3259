// JS-ReportLimited: runs when SA-RateLimit or Q-RateLimit counted the request over its limit.
// ENFORCE: RF-RateLimited ends the exchange next and the response pass will not run, so the event
// is sent now (status 429) and the 429 body is prepared. MONITOR: the event only records
// `rate-limited`, not enforced.
/* global Palisade */
(function () {
  "use strict";
  var V = Palisade.vars;
  var H = Palisade.host;
  try {
    var cfg = Palisade.config.parse(H.properties());
    var enforce = H.getVar(V.RL_ENFORCE) === "true";
    H.setVar(V.VERDICT_REASON, "rate-limited");
    var text = H.getVar(V.EVENT);
    var event = text === null ? null : JSON.parse(text);
    if (event !== null) {
      event.verdict.reason = "rate-limited";
      event.verdict.status = 429;
      event.verdict.enforced = enforce;
    }
    if (!enforce) {
      // MONITOR: record what would have happened; the response pass sends the event.
      if (event !== null) H.setVar(V.EVENT, JSON.stringify(event));
      return;
    }
    H.setVar(V.RL_BODY, JSON.stringify({ title: "Too Many Requests", status: 429, policy: H.getVar(V.RL_POLICY) || "" }));
    if (event !== null) {
      event.status = 429;
      H.setVar(V.REPORT_SENT, H.sendReport(cfg, Palisade.event.batch(cfg.gatewayId, event, Palisade.counters(), H.now())));
    }
  } catch (e) {
    H.setVar(V.ERROR, e && e.message ? String(e.message) : String(e));
  }
})();
