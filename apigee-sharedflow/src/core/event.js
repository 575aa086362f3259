// ApiEvent and ReportBatch in canonical proto JSON (telemetry.proto) for POST /v1/reports:
// camelCase fields, enum names, 64-bit integers as strings. Findings carry the masked preview
// only; raw values never leave the gateway (DESIGN.md principle 3).
//
// Apigee has no long-lived gateway process, so every exchange is its own "boot": a batch carries
// one event, boot_id is the exchange's message id and sequence is 1, which keeps the control
// plane's (gateway, boot, sequence) de-duplication exact when Apigee retries nothing.
var Palisade = Palisade || {};

Palisade.event = (function () {
  "use strict";

  function u64(n) {
    return String(Math.max(0, Math.floor(Number(n) || 0)));
  }

  function findingJson(f) {
    var location = {
      direction: f.direction,
      field: f.fieldKind,
      start: f.start,
      end: f.end
    };
    if (f.name) location.name = f.name;
    if (f.jsonPath) location.jsonPath = f.jsonPath;
    return {
      type: f.type,
      category: f.category,
      severity: f.severity,
      location: location,
      confidence: f.confidence,
      masked: f.masked
    };
  }

  function verdictJson(v) {
    return {
      action: v.action,
      mode: v.mode,
      policyId: v.policyId,
      enforced: !!v.enforced,
      status: v.status || 0,
      reason: v.reason || "",
      direction: v.direction
    };
  }

  // The request half of the event, built by the request policy and completed by the response
  // policy (or sent as is when the request was stopped).
  // r: { timestampMs, requestId, host, method, path, pathTemplate, clientIp, auth, params,
  //      requestBytes, shape, findings, verdict, rulesVersion, scheme, userAgent, id }
  function requestEvent(r) {
    var findings = [];
    for (var i = 0; i < r.findings.length; i++) findings.push(findingJson(r.findings[i]));
    var auth = { scheme: r.auth.scheme };
    if (r.auth.jwtAlg) auth.jwtAlg = r.auth.jwtAlg;
    if (r.auth.keyName) auth.keyName = r.auth.keyName;
    return {
      id: u64(r.id),
      timestampMs: u64(r.timestampMs),
      requestId: r.requestId || "",
      host: r.host,
      method: r.method,
      path: r.path,
      pathTemplate: r.pathTemplate || "",
      status: 0,
      requestBytes: u64(r.requestBytes),
      responseBytes: "0",
      latencyUs: 0,
      clientIp: r.clientIp || "",
      auth: auth,
      params: r.params,
      requestShape: r.shape,
      findings: findings,
      verdict: verdictJson(r.verdict),
      rulesVersion: u64(r.rulesVersion),
      scheme: r.scheme || "",
      userAgent: (r.userAgent || "").substring(0, 256)
    };
  }

  // Adds the response half. The response verdict replaces the request one only when it did
  // something (a response policy matched).
  function completeEvent(event, s) {
    event.status = s.status || 0;
    event.responseBytes = u64(s.responseBytes);
    event.latencyUs = Math.max(0, Math.floor(s.latencyUs || 0));
    if (s.shape) event.responseShape = s.shape;
    for (var i = 0; i < s.findings.length; i++) event.findings.push(findingJson(s.findings[i]));
    if (s.verdict && s.verdict.action !== "ACTION_UNSPECIFIED") event.verdict = verdictJson(s.verdict);
    // ApiEvent.upstream_ip: the destination, reported only when it is an IP address.
    if (s.upstreamIp && Palisade.cidr.parseAddress(s.upstreamIp)) event.upstreamIp = String(s.upstreamIp);
    return event;
  }

  function batch(gatewayId, event, counters, nowMs) {
    return {
      gatewayId: gatewayId,
      sequence: "1",
      events: [event],
      counters: {
        requestsSeen: "1",
        eventsQueued: "1",
        eventsDropped: "0",
        inspectionErrors: u64(counters.inspectionErrors),
        failOpenUsed: u64(counters.failOpenUsed)
      },
      sentAtMs: u64(nowMs),
      bootId: String(event.requestId || event.id)
    };
  }

  return { requestEvent: requestEvent, completeEvent: completeEvent, batch: batch, verdictJson: verdictJson };
})();
