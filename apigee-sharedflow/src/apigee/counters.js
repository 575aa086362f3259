// GatewayCounters of one exchange, derived from the flow variables the request policy left
// (an absorbed inspection error sets palisade.error and palisade.failuremode.used).
var Palisade = Palisade || {};

Palisade.counters = function () {
  "use strict";
  var errors = Palisade.host.getVar(Palisade.vars.ERROR) !== null ? 1 : 0;
  var open = Palisade.host.getVar(Palisade.vars.FAILURE_MODE_USED) === "open" ? 1 : 0;
  return { inspectionErrors: errors, failOpenUsed: open };
};
