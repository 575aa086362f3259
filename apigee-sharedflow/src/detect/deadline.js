/* global PalisadeDetect */
// The scan's time budget. Apigee stops a JavaScript policy at its timeLimit (a 500, or with
// continueOnError a silent skip that sets no verdict), and no size limit bounds the time a scan
// takes: the first executions in a message processor's JVM run the same scan 10-15 times slower
// than warm ones (scripts/bench/apigee/inspect.bench.ts). So the scan itself looks at the clock,
// after every STEP bytes of work, and gives up past the caller's deadline by throwing EXCEEDED;
// the policy then decides with what it has and applies its failure mode (src/core/inspect.js).
PalisadeDetect.deadline = (function () {
  "use strict";
  var EXCEEDED = "time-budget-exceeded";
  // Bytes of scanning between two looks at the clock: a look costs an object and a native call;
  // 1 KiB of scanning costs ~20 ms of CPU in a cold interpreted Rhino (the bench's 4 KiB order:
  // ~11 KiB of segment and automaton work, ~250 ms), so STEP keeps what runs past the deadline
  // to a few ms of the 25 % margin between the policy's budget and its timeLimit.
  var STEP = 256;

  function currentTimeMs() {
    return new Date().getTime();
  }

  // limits: { deadlineMs (ms since the epoch; 0 or absent: no deadline), now (a clock, for
  // tests), budget (one of() made, to share) } -> a budget to charge, or null. A caller that
  // scans a message in several calls (the policy: each path segment, the headers, the body)
  // shares one budget, so the work of all of them counts towards the next look at the clock:
  // a path of many short segments is looked at as often as one long field.
  function of(limits) {
    if (limits && limits.budget) return limits.budget;
    var at = limits && typeof limits.deadlineMs === "number" && limits.deadlineMs > 0 ? limits.deadlineMs : 0;
    if (at === 0) return null;
    return { at: at, clock: typeof limits.now === "function" ? limits.now : currentTimeMs, spent: 0 };
  }

  // Counts `work` bytes against the budget; once STEP of them have been spent since the last
  // look, looks at the clock and throws EXCEEDED when the deadline has passed.
  function charge(budget, work) {
    if (budget === null) return;
    budget.spent += work;
    if (budget.spent < STEP) return;
    budget.spent = 0;
    if (budget.clock() >= budget.at) throw new Error(EXCEEDED);
  }

  return { EXCEEDED: EXCEEDED, STEP: STEP, of: of, charge: charge };
})();
