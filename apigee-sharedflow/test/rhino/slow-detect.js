// Test double: wraps the detection engine (real or fake) so that every call first spends
// `test.detect.delayms` milliseconds (a flow variable) and records which fields it was given in
// `test.detect.calls` ("path" / "headers" / "body", comma-separated), to exercise the time budget.
/* global PalisadeDetect */
(function () {
  "use strict";
  var inner = PalisadeDetect.scanMessage;
  var delay = parseInt(String(context.getVariable("test.detect.delayms") || "0"), 10) || 0;
  PalisadeDetect.scanMessage = function (ruleSet, message, limits) {
    var until = new Date().getTime() + delay;
    while (new Date().getTime() < until) {
      // busy: Apigee gives a policy no timers
    }
    var calls = context.getVariable("test.detect.calls");
    // Path segments are scanned one call each, as a header under the segment before them, in a
    // message with no path of its own (src/core/path-privacy.js).
    var part = message.body ? "body" : message.path === "" ? "path" : "headers";
    context.setVariable("test.detect.calls", calls ? String(calls) + "," + part : part);
    return inner(ruleSet, message, limits);
  };
})();
