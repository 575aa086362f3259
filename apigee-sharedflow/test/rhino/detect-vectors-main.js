// Test main: runs the shared detection vectors (test/vectors/detect/) through the bundled
// library's inspection path (Palisade.inspect.inspectMessage → the detection engine seam), with
// the embedded built-in rules (as JSON or in the ready form, `test.form`), all in one scope so the engine prepares its tables once. Vectors
// arrive as a JSON array in `test.vectors`; `test.results` gets [{ name, findings, error }].
/* global Palisade, PalisadeDetect, PalisadeBuiltinRules, PalisadeBuiltinReady */
(function () {
  "use strict";
  var vectors = JSON.parse(String(context.getVariable("test.vectors")));
  // test.form "ready": the built-in set in the engine's ready form (what executions scan with),
  // else the RuleSet JSON with every table checked and prepared by the engine.
  var ruleSet =
    String(context.getVariable("test.form")) === "ready"
      ? PalisadeDetect.ready.decode(PalisadeBuiltinReady()).ruleSet
      : PalisadeBuiltinRules();
  var settings = Palisade.ruleSet.settingsOf(ruleSet.settings);
  var ctx = { ruleSet: ruleSet, settings: settings, detectors: Palisade.ruleSet.detectorIndex(ruleSet), deadlineMs: 0 };
  var results = [];
  for (var i = 0; i < vectors.length; i++) {
    var input = vectors[i].input;
    var headers = {};
    for (var name in input.headers || {}) {
      if (Object.prototype.hasOwnProperty.call(input.headers, name)) headers[name.toLowerCase()] = [String(input.headers[name])];
    }
    var msg = {
      kind: input.kind || "request",
      method: "POST",
      path: "/",
      headers: headers,
      query: input.query || "",
      body: input.body || "",
      contentType: input.contentType || "",
      contentEncoding: "",
      declaredLength: 0,
      sampled: true
    };
    var r = Palisade.inspect.inspectMessage(msg, ctx);
    var found = [];
    for (var k = 0; k < r.findings.length; k++) {
      var f = r.findings[k];
      var out = { type: f.type, field: f.field, start: f.start, end: f.end };
      if (f.jsonPath) out.path = f.jsonPath;
      found.push(out);
    }
    results.push({ name: vectors[i].name, findings: found, error: r.error, notInspected: r.shape.notInspectedReason });
  }
  context.setVariable("test.results", JSON.stringify(results));
})();
