// When this execution began: the first statement of palisade-lib.js (tools/bundle.ts puts this
// file first). Apigee's timeLimit counts from the start of the policy, IncludeURL files included,
// and running the library is not free in a cold JVM (~20 ms of CPU in interpreted Rhino), so the
// inspection budget counts from here rather than from the policy's own script.
var Palisade = Palisade || {};

Palisade.startedAtMs = new Date().getTime();
