// Rhino driver for the detection engine: `rhino scan-driver.js <engine.js> <jobs.json>`.
// jobs.json: { "ruleSet": {...}, "messages": [{...}], "repeat": N? }. Prints one JSON line:
// { "results": [findings per message], "ms": elapsed for the last repetition }.
/* global load, readFile, print, arguments, PalisadeDetect */
load(arguments[0]);
var jobs = JSON.parse(readFile(arguments[1], 'UTF-8'));
var repeat = jobs.repeat || 1;
var results = [];
var started = 0;
for (var r = 0; r < repeat; r++) {
  started = new Date().getTime();
  results = [];
  for (var i = 0; i < jobs.messages.length; i++) {
    var out;
    try {
      out = PalisadeDetect.scanMessage(jobs.ruleSet, jobs.messages[i], jobs.limits || {});
    } catch (e) {
      out = { error: String(e && e.message ? e.message : e) };
    }
    results.push(out);
  }
}
print(JSON.stringify({ results: results, ms: new Date().getTime() - started }));
