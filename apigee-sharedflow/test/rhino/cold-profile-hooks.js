// Profiling hooks (scripts/bench/apigee/cold-profile.ts), loaded after palisade-lib.js and
// palisade-builtin-rules.js and before palisade-inspect-request.js, in a job run with the CPU
// clock (`profileClock`, policy-runner.ts RunOptions.profileClock). Wraps the library's entry points
// so that the real policy runs unchanged while every stage is charged its own CPU time or work
// (exclusive: a nested stage's time is not counted twice). cold-profile-report.js reads the result.
/* global Palisade, PalisadeDetect, profileClock */
/* eslint no-global-assign: "off", no-func-assign: "off" -- the hooks replace global functions on purpose */
var PalisadeProfile = (function () {
  "use strict";
  // What ran before this file (the library's own statements) is the run's CPU time minus the
  // stages counted here: cold-profile.ts works it out.
  var totals = {};
  var calls = {};
  var stack = [];
  var mark = profileClock();

  function charge(now) {
    var top = stack.length ? stack[stack.length - 1] : "other (policy main)";
    totals[top] = (totals[top] || 0) + (now - mark);
    mark = now;
  }

  function wrap(owner, name, stage) {
    var original = owner[name];
    if (typeof original !== "function") return;
    owner[name] = function () {
      charge(profileClock());
      stack.push(stage);
      calls[stage] = (calls[stage] || 0) + 1;
      try {
        return original.apply(this, arguments);
      } finally {
        charge(profileClock());
        stack.pop();
      }
    };
  }

  // Table rows are materialised by methods of each ready automaton, once decode() made them.
  function wrapAutomata(ruleSet) {
    var p = PalisadeDetect.tables.prepared(ruleSet);
    for (var a = 0; a < p.automata.length; a++) {
      wrap(p.automata[a], "row", "tables: rows on first use");
      wrap(p.automata[a], "classes", "tables: rows on first use");
    }
  }

  return {
    wrap: wrap,
    wrapAutomata: wrapAutomata,
    finish: function () {
      charge(profileClock());
      return { ms: totals, calls: calls };
    }
  };
})();

// Not strict: `this` of a plain call is the global object, which holds PalisadeBuiltinReady.
(function (globals) {
  var W = PalisadeProfile.wrap;
  W(globals, "PalisadeBuiltinReady", "ready form: text");
  var ready = PalisadeDetect.ready;
  var decode = ready.decode;
  ready.decode = function (value) {
    var r = decode(value);
    if (r.error === null) PalisadeProfile.wrapAutomata(r.ruleSet);
    return r;
  };
  W(ready, "decode", "ready form: decode");
  W(JSON, "parse", "JSON.parse");
  W(PalisadeDetect.prefilter, "compile", "ready form: prefilter RegExps");
  W(Palisade.config, "parse", "config, request, rule index");
  W(Palisade.host, "readRequest", "config, request, rule index");
  W(Palisade.ruleSet, "detectorIndex", "config, request, rule index");
  W(Palisade.ruleSet, "settingsOf", "config, request, rule index");
  W(Palisade.authScheme, "detect", "config, request, rule index");
  W(Palisade.pathPrivacy, "scan", "path privacy");
  W(Palisade.scanner, "scan", "scan: headers, query, body");
  // The walk cuts segments and hands each to the automata through `emit`: wrapping both parts
  // tells the walk from the automata.
  var segments = PalisadeDetect.segments;
  var walkBody = segments.walkBody;
  segments.walkBody = function (raw, n, contentType, emit) {
    var inner = { emit: emit };
    W(inner, "emit", "scan: automata over a segment");
    return walkBody(raw, n, contentType, inner.emit);
  };
  W(segments, "walkBody", "scan: walking the body (JSON, XML, form)");
  W(PalisadeDetect.prefilter, "mayFind", "scan: prefilter tests");
  W(PalisadeDetect.validators, "validate", "scan: candidates (validators, context)");
  W(PalisadeDetect.context, "keywordIn", "scan: candidates (validators, context)");
  W(Palisade.shape, "bodyShape", "shape");
  W(Palisade.shape, "parameters", "shape");
  W(Palisade.policyMatch, "decide", "verdict, rate limit");
  W(Palisade.rateLimit, "variables", "verdict, rate limit");
  W(Palisade.event, "requestEvent", "event");
  W(JSON, "stringify", "JSON.stringify (event, findings)");
  W(Palisade.host, "setVar", "flow variables");
})(this);
