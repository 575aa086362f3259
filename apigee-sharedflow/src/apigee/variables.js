// Every flow variable the shared flow reads or writes, declared once (docs/deploy-apigee.md lists
// the same names; the bundle XML references them by these names too, checked by a test).
var Palisade = Palisade || {};

Palisade.vars = {
  // Written by the request policy.
  VERDICT: "palisade.verdict", // ALLOW | LOG | RATE_LIMIT | BLOCK
  VERDICT_POLICY: "palisade.verdict.policy",
  VERDICT_REASON: "palisade.verdict.reason",
  VERDICT_MODE: "palisade.verdict.mode", // MONITOR | ENFORCE
  FINDINGS: "palisade.findings", // JSON array of masked findings
  FINDINGS_COUNT: "palisade.findings.count",
  BLOCK_ENFORCE: "palisade.block.enforce", // true → RF-Block raises the fault
  BLOCK_STATUS: "palisade.block.status",
  BLOCK_BODY: "palisade.block.body",
  BLOCK_CONTENT_TYPE: "palisade.block.contenttype",
  RL_SPIKE: "palisade.ratelimit.spikearrest", // true → SA-RateLimit counts this request
  RL_QUOTA: "palisade.ratelimit.quota", // true → Q-RateLimit counts this request
  RL_ENFORCE: "palisade.ratelimit.enforce", // true → over the limit, RF-RateLimited answers 429
  RL_IDENTIFIER: "palisade.ratelimit.identifier",
  RL_RATE: "palisade.ratelimit.rate", // SpikeArrest rate, `10ps` / `600pm`
  RL_COUNT: "palisade.ratelimit.count", // Quota allow count
  RL_INTERVAL: "palisade.ratelimit.interval",
  RL_TIMEUNIT: "palisade.ratelimit.timeunit",
  RL_POLICY: "palisade.ratelimit.policy",
  RL_BODY: "palisade.ratelimit.body", // RF-RateLimited's JSON body
  // Which half of the exchange the shared flow is in: unset on the request pass, "request" once
  // JS-InspectRequest started, "response" once JS-InspectResponse did (sharedflows/default.xml).
  PHASE: "palisade.phase",
  EVENT: "palisade.event", // the request half of the ApiEvent, JSON
  ERROR: "palisade.error", // inspection error message (fail-open / fail-closed was applied)
  FAILURE_MODE_USED: "palisade.failuremode.used", // open | closed when an error was absorbed
  CONFIG_PROBLEMS: "palisade.config.problems",
  ELAPSED_MS: "palisade.elapsed.ms",
  // Rule set cache (LookupCache / ServiceCallout / PopulateCache).
  RULES_JSON: "palisade.rules.json",
  RULES_ETAG: "palisade.rules.etag",
  RULES_UPDATE: "palisade.rules.update",
  RULES_FRESH_VALUE: "palisade.rules.fresh.value",
  RULES_FRESH_TTL: "palisade.rules.fresh.ttl",
  RULES_FETCH_ERROR: "palisade.rules.fetch.error",
  RULES_SOURCE: "palisade.rules.source", // control-plane | builtin
  RULES_ERROR: "palisade.rules.error", // why the cached set was not used
  RULES_VERSION: "palisade.rules.version",
  RULES_RESPONSE: "palisadeRulesResponse", // the ServiceCallout's response message
  GATEWAY_TOKEN: "private.palisade.gateway.token", // from the KVM; private.* is masked in traces
  HASH_KEY: "private.palisade.hash.key", // from the KVM: the value-hash key (core/value-hash.js)
  // Written by the response policy.
  RESPONSE_VERDICT: "palisade.response.verdict",
  RESPONSE_FINDINGS: "palisade.response.findings",
  RESPONSE_BLOCK_ENFORCE: "palisade.response.block.enforce",
  REPORT_SENT: "palisade.report.sent"
};
