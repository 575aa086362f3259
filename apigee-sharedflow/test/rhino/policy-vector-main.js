// Test main: runs one shared policy vector (test/vectors/policy/, format in test/vectors/README.md)
// through the bundled matcher. The vector arrives in the flow variable `test.vector`; the verdict
// goes to `test.result`. Loaded after palisade-lib.js, like a policy's ResourceURL.
/* global Palisade */
(function () {
  "use strict";
  var vector = JSON.parse(String(context.getVariable("test.vector")));
  var input = vector.input;
  var rs = { version: "1", policies: input.policies || [], settings: input.settings || {} };
  var why = Palisade.ruleSet.problem(rs);
  if (why !== null) {
    context.setVariable("test.result", JSON.stringify({ refused: true, why: why }));
    return;
  }
  var req = input.request;
  var headers = {};
  for (var name in req.headers) {
    if (Object.prototype.hasOwnProperty.call(req.headers, name)) headers[name.toLowerCase()] = [String(req.headers[name])];
  }
  var path = req.path;
  var q = path.indexOf("?");
  var query = q >= 0 ? path.substring(q + 1) : "";
  if (q >= 0) path = path.substring(0, q);
  var exchange = {
    host: String(req.host || "").toLowerCase(),
    method: req.method,
    path: path,
    clientIp: req.clientIp || "",
    headers: headers,
    auth: Palisade.authScheme.detect(headers, query, !!req.mtls),
    query: query
  };
  var exhausted = input.exhausted || [];
  var v = Palisade.policyMatch.decide(
    rs,
    Palisade.ruleSet.settingsOf(rs.settings),
    exchange,
    input.findings || [],
    input.direction || "DIRECTION_REQUEST",
    {
      monitorOnly: input.mode === "monitor",
      exhausted: function (id) {
        return exhausted.indexOf(id) >= 0;
      }
    }
  );
  context.setVariable(
    "test.result",
    JSON.stringify({ action: v.action, mode: v.mode, policyId: v.policyId, enforced: v.enforced, status: v.status, reason: v.reason })
  );
})();
