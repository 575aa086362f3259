// Rhino side of the test runner (apigee-sharedflow/test/lib/policy-runner.ts). Reads one job per
// line on stdin — { id, files: [paths], state } — runs the files in a fresh scope made with
// initSafeStandardObjects (no java/Packages, as Apigee's class shutter), with the Apigee object
// model installed, and prints one result line: { id, state, error, elapsedMs, cpuMs, compileMs }. Scripts are
// compiled once and reused, as Apigee compiles a policy's resources once per deployment.
// Needs apigee-object-model.js loaded first (rhino -f apigee-object-model.js -f this file).
/* global java, Packages, ApigeeObjectModel */
(function () {
  "use strict";
  var Ctx = Packages.org.mozilla.javascript.Context;
  var ScriptableObject = Packages.org.mozilla.javascript.ScriptableObject;
  var cx = Ctx.getCurrentContext();
  // A compiled script is itself a Scriptable function in Rhino, so `script.exec(...)` is not
  // reachable as a property from JavaScript: call Script.exec through reflection.
  var execMethod = java.lang.Class.forName("org.mozilla.javascript.Script").getMethod("exec", [
    Ctx,
    java.lang.Class.forName("org.mozilla.javascript.Scriptable")
  ]);
  var compiled = {};
  var threads = java.lang.management.ManagementFactory.getThreadMXBean();
  var input = new java.io.BufferedReader(new java.io.InputStreamReader(java.lang.System["in"], "UTF-8"));
  var output = new java.io.PrintStream(java.lang.System.out, true, "UTF-8");

  function script(path) {
    if (!compiled[path]) {
      var text = String(new java.lang.String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(path)), "UTF-8"));
      compiled[path] = cx.compileString(text, path, 1, null);
    }
    return compiled[path];
  }

  // Rhino's own measure of interpreted work (-opt -1 only): bytes of interpreter code run, 100
  // per call. Deterministic, so a change in work shows under any load. The count is private to
  // Context; counting starts once a threshold is set.
  var countField = null;
  function instructionCount() {
    if (countField === null) {
      countField = java.lang.Class.forName("org.mozilla.javascript.Context").getDeclaredField("instructionCount");
      countField.setAccessible(true);
      cx.setInstructionObserverThreshold(2000000000);
      countField.setInt(cx, 0);
    }
    return countField.getInt(cx);
  }

  function javaString(s) {
    return new java.lang.String(s);
  }

  function run(job) {
    var state = job.state;
    state.sent = state.sent || [];
    state.printed = state.printed || [];
    var scope = cx.initSafeStandardObjects();
    var model = ApigeeObjectModel.create(state, javaString);
    var names = ["context", "request", "response", "httpClient", "Request", "properties", "print"];
    for (var i = 0; i < names.length; i++) {
      if (model[names[i]] !== undefined) ScriptableObject.putProperty(scope, names[i], model[names[i]]);
    }
    // Profiling jobs only (scripts/bench/apigee/cold-profile.ts): a clock a safe scope cannot
    // reach (Apigee's scope has no such thing), the thread's CPU time in ns or the interpreter's
    // instruction count.
    if (job.profileClock === "cpu") {
      ScriptableObject.putProperty(scope, "profileClock", function () {
        return threads.getCurrentThreadCpuTime();
      });
    } else if (job.profileClock === "ops") {
      ScriptableObject.putProperty(scope, "profileClock", instructionCount);
    }
    var error = null;
    // Scripts not compiled yet are compiled first, timed on their own (compileMs): Apigee compiles
    // a policy's resources when the revision is deployed.
    var compileStarted = threads.getCurrentThreadCpuTime();
    var scripts = [];
    try {
      for (var c = 0; c < job.files.length; c++) scripts.push(script(job.files[c]));
    } catch (e) {
      error = "compile: " + String(e && e.message ? e.message : e);
    }
    var compileMs = (threads.getCurrentThreadCpuTime() - compileStarted) / 1e6;
    var cpuStarted = threads.getCurrentThreadCpuTime();
    var started = java.lang.System.nanoTime();
    try {
      for (var f = 0; f < scripts.length && error === null; f++) execMethod.invoke(scripts[f], [cx, scope]);
    } catch (e) {
      // Errors thrown by the policy arrive wrapped in InvocationTargetException.
      var cause = e && e.javaException && e.javaException.getCause ? e.javaException.getCause() : null;
      error = cause ? String(cause.getMessage()) : String(e && e.message ? e.message : e);
    }
    var elapsedMs = (java.lang.System.nanoTime() - started) / 1e6;
    // CPU time of this thread: what the run cost, whatever else the machine was doing.
    var cpuMs = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e6;
    return { id: job.id, state: state, error: error, elapsedMs: elapsedMs, cpuMs: cpuMs, compileMs: compileMs };
  }

  var line;
  while ((line = input.readLine()) !== null) {
    var text = String(line);
    if (text.length === 0) continue;
    var result;
    try {
      result = run(JSON.parse(text));
    } catch (e) {
      result = { id: null, error: "driver: " + String(e), state: null, elapsedMs: 0 };
    }
    output.println(JSON.stringify(result));
  }
})();
