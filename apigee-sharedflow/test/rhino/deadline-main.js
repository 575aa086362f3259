// Test main (test/time-budget.test.ts): inspects one message with the built-in rules (ready form)
// through Palisade.inspect.inspectMessage, under a deadline read from a clock of the test's own:
// the clock says 0 for its first `test.clock.fresh` looks and 2000 after (the deadline is 1000),
// so where the scan gives up does not depend on the machine's speed. `test.clock.fresh` -1: the
// clock never passes the deadline; absent: no deadline at all. `test.message` (JSON: kind, path,
// headers {name: [values]}, query, body, contentType) comes in; `test.result` goes out:
// { findings, error, notInspectedReason, fields, fieldsDropped, path, looks }.
/* global Palisade, PalisadeDetect, PalisadeBuiltinReady */
(function () {
  "use strict";
  var msg = JSON.parse(String(context.getVariable("test.message")));
  var freshVar = context.getVariable("test.clock.fresh");
  var fresh = freshVar === null ? null : parseInt(String(freshVar), 10);
  var ruleSet = PalisadeDetect.ready.decode(PalisadeBuiltinReady()).ruleSet;
  var looks = 0;
  function clock() {
    looks++;
    return fresh < 0 || looks <= fresh ? 0 : 2000;
  }
  var r = Palisade.inspect.inspectMessage(msg, {
    ruleSet: ruleSet,
    settings: Palisade.ruleSet.settingsOf(ruleSet.settings),
    detectors: Palisade.ruleSet.detectorIndex(ruleSet),
    deadlineMs: fresh === null ? 0 : 1000,
    now: clock
  });
  var findings = [];
  for (var i = 0; i < r.findings.length; i++) {
    var f = r.findings[i];
    findings.push({ type: f.type, field: f.field, start: f.start, end: f.end, path: f.jsonPath, confidence: f.confidence });
  }
  context.setVariable(
    "test.result",
    JSON.stringify({
      findings: findings,
      error: r.error,
      notInspectedReason: r.shape.notInspectedReason,
      fields: r.shape.fields.length,
      fieldsDropped: r.shape.fieldsDropped,
      path: r.path,
      looks: looks
    })
  );
})();
