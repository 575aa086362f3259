// The JavaScript policies' configuration, from their <Properties> (read-only strings in
// `properties`), parsed once per execution into a frozen-by-convention object. A bad value falls
// back to the documented default and is named in `problems` (set as palisade.config.problems),
// because a policy that refuses to run would take every proxy of the environment down with it.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.config = (function () {
  "use strict";

  var DEFAULTS = {
    gatewayId: "apigee",
    reportUrl: "",
    reportEnabled: true,
    failureMode: "open",
    mode: "enforce",
    timeBudgetMs: 150,
    maxBodyBytes: 0,
    rulesRefreshSeconds: 60,
    rulesRetrySeconds: 10
  };

  function get(props, name) {
    if (!props) return null;
    var v;
    try {
      v = props[name];
    } catch (e) {
      v = null;
    }
    return v === null || v === undefined ? null : Palisade.text.trim(String(v));
  }

  function parse(props) {
    var c = {};
    var problems = [];
    for (var k in DEFAULTS) if (Object.prototype.hasOwnProperty.call(DEFAULTS, k)) c[k] = DEFAULTS[k];
    var v = get(props, "gatewayId");
    if (v) c.gatewayId = v;
    v = get(props, "reportUrl");
    if (v) {
      if (/^https?:\/\/\S+$/.test(v)) c.reportUrl = v;
      else problems.push("reportUrl: must be an http(s) URL");
    }
    v = get(props, "reportEnabled");
    if (v) c.reportEnabled = v !== "false";
    v = get(props, "failureMode");
    if (v) {
      if (v === "open" || v === "closed") c.failureMode = v;
      else problems.push("failureMode: must be open or closed");
    }
    v = get(props, "mode");
    if (v) {
      if (v === "enforce" || v === "monitor") c.mode = v;
      else problems.push("mode: must be enforce or monitor");
    }
    var ints = ["timeBudgetMs", "maxBodyBytes", "rulesRefreshSeconds", "rulesRetrySeconds"];
    for (var i = 0; i < ints.length; i++) {
      v = get(props, ints[i]);
      if (v === null || v === "") continue;
      if (/^\d{1,9}$/.test(v)) c[ints[i]] = parseInt(v, 10);
      else problems.push(ints[i] + ": must be a non-negative integer");
    }
    c.problems = problems;
    return c;
  }

  return { parse: parse, DEFAULTS: DEFAULTS };
})();
