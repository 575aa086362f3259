// Benchmark main (scripts/bench/apigee/inspect.bench.ts), loaded after palisade-lib.js and
// palisade-builtin-rules.js in one scope: times, in the same run, (a) the detection engine on a
// message with its tables prepared once (steady state) and (b) the baseline, a plain RegExp scan
// of the same built-in patterns. `bench.message` (JSON message), `bench.patterns` ([{pattern,
// flags}]) and `bench.iterations` come in; `bench.results` goes out (ms per message).
/* global PalisadeDetect, PalisadeBuiltinRules */
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
(function () {
  "use strict";
  var message = JSON.parse(String(context.getVariable("bench.message")));
  var patterns = JSON.parse(String(context.getVariable("bench.patterns")));
  var n = parseInt(String(context.getVariable("bench.iterations")), 10);
  var rs = PalisadeBuiltinRules();
  var findings = PalisadeDetect.scanMessage(rs, message, {}); // prepares the tables once
  var t0 = new Date().getTime();
  for (var i = 0; i < n; i++) findings = PalisadeDetect.scanMessage(rs, message, {});
  var scanMs = (new Date().getTime() - t0) / n;

  var regexps = [];
  var refused = 0;
  for (var p = 0; p < patterns.length; p++) {
    try {
      regexps.push(new RegExp(patterns[p].pattern, (patterns[p].flags || "") + "g"));
    } catch (e) {
      refused++;
    }
  }
  var text = (message.query || "") + "\n" + (message.body || "");
  for (var h in message.headers) if (Object.prototype.hasOwnProperty.call(message.headers, h)) text += "\n" + message.headers[h];
  var matches = 0;
  var t1 = new Date().getTime();
  for (var j = 0; j < n; j++) {
    for (var r = 0; r < regexps.length; r++) {
      var re = regexps[r];
      re.lastIndex = 0;
      var m;
      while ((m = re.exec(text)) !== null) {
        matches++;
        if (m[0].length === 0) re.lastIndex++;
      }
    }
  }
  var regexMs = (new Date().getTime() - t1) / n;
  context.setVariable(
    "bench.results",
    JSON.stringify({
      scanMs: scanMs,
      regexMs: regexMs,
      findings: findings.length,
      regexps: regexps.length,
      refused: refused,
      matches: matches / n
    })
  );
})();
