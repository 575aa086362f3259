// JS-InspectResponse: inspects the response, applies response verdicts (mask or replace the body
// here; a whole-response ERROR block is raised by RF-BlockResponse from the flag set here), then
// completes the exchange's event and sends it to POST /v1/reports without waiting.
/* global Palisade */
(function () {
  "use strict";
  var V = Palisade.vars;
  var H = Palisade.host;
  // The budget counts from the library's first statement (started.js), as Apigee's timeLimit does.
  var started = Palisade.startedAtMs || new Date().getTime();
  var cfg = Palisade.config.parse(H.properties());
  var event = null;
  var verdict = null;
  var res = null;
  var result = { findings: [], shape: null, bodyBytes: 0, error: null };
  H.setVar(V.PHASE, "response");
  H.setVar(V.RESPONSE_BLOCK_ENFORCE, false);
  try {
    var text = H.getVar(V.EVENT);
    if (text !== null) event = JSON.parse(text);
    var rules = Palisade.rulesSource.load();
    var settings = Palisade.ruleSet.settingsOf(rules.ruleSet.settings);
    if (cfg.maxBodyBytes > 0 && cfg.maxBodyBytes < settings.maxBodyBytes) settings.maxBodyBytes = cfg.maxBodyBytes;
    res = H.readResponse(typeof response === "undefined" ? null : response);
    res.sampled = true;
    var req = H.readRequest(typeof request === "undefined" ? null : request);
    // Enums from runtime: value hashes under the KVM's hash key, values released for this endpoint.
    var hashKey = Palisade.valueHash.keyOf(H.getVar(V.HASH_KEY));
    var released = hashKey === null ? null : Palisade.valueHash.releasedFor(rules.ruleSet, req);
    result = Palisade.inspect.inspectMessage(res, {
      ruleSet: rules.ruleSet,
      settings: settings,
      detectors: Palisade.ruleSet.detectorIndex(rules.ruleSet),
      deadlineMs: cfg.timeBudgetMs > 0 ? started + cfg.timeBudgetMs : 0,
      note: Palisade.valueHash.hasher(hashKey, "response", released)
    });
    var auth = Palisade.authScheme.detect(req.headers, req.query, false);
    var exchange = {
      host: req.host,
      method: req.method,
      path: req.path,
      clientIp: req.clientIp,
      headers: req.headers,
      auth: auth,
      query: req.query
    };
    var failed = result.error !== null;
    if (failed) H.setVar(V.ERROR, result.error);
    // Every finding of the exchange: a match's finding_direction picks among them.
    var all = result.findings.slice();
    var earlier = event && event.findings ? event.findings : [];
    for (var j = 0; j < earlier.length; j++) {
      all.push({ type: earlier[j].type, severity: earlier[j].severity, direction: "DIRECTION_REQUEST" });
    }
    verdict = Palisade.policyMatch.decide(rules.ruleSet, settings, exchange, all, "DIRECTION_RESPONSE", {
      inspectionFailed: failed,
      monitorOnly: cfg.mode === "monitor"
    });
    H.setVar(V.RESPONSE_VERDICT, verdict.action === "ACTION_UNSPECIFIED" ? "ALLOW" : verdict.action.substring(7));
    var masked = [];
    for (var i = 0; i < result.findings.length; i++) {
      var f = result.findings[i];
      masked.push({
        type: f.type,
        field: f.field,
        start: f.start,
        end: f.end,
        path: f.jsonPath,
        confidence: f.confidence,
        masked: f.masked
      });
    }
    H.setVar(V.RESPONSE_FINDINGS, JSON.stringify(masked));
    if (verdict.action === "ACTION_BLOCK" && verdict.enforced) {
      var style = verdict.block.style;
      if (style === "RESPONSE_BLOCK_STYLE_MASK" && res.body !== null) {
        H.setVar("response.content", Palisade.mask.maskBody(String(res.body), result.findings));
        verdict.status = res.status;
        verdict.reason = verdict.reason + ":masked";
      } else if (style === "RESPONSE_BLOCK_STYLE_REPLACE_BODY") {
        H.setVar("response.content", verdict.block.body);
        H.setVar("response.header.content-type", verdict.block.contentType);
        verdict.status = res.status;
        verdict.reason = verdict.reason + ":replaced";
      } else {
        H.setVar(V.RESPONSE_BLOCK_ENFORCE, true);
        H.setVar(V.BLOCK_STATUS, verdict.block.status);
        H.setVar(V.BLOCK_BODY, verdict.block.body);
        H.setVar(V.BLOCK_CONTENT_TYPE, verdict.block.contentType);
      }
    }
  } catch (e) {
    // Fail open on the response: the exchange already happened; only the event records it.
    H.setVar(V.ERROR, e && e.message ? String(e.message) : String(e));
  }
  try {
    if (event !== null) {
      var now = H.now();
      var startMs = parseInt(event.timestampMs, 10) || now;
      Palisade.event.completeEvent(event, {
        status: verdict && verdict.action === "ACTION_BLOCK" && verdict.enforced ? verdict.status : res ? res.status : 0,
        responseBytes: result.bodyBytes,
        latencyUs: (now - startMs) * 1000,
        shape: result.shape,
        findings: result.findings,
        verdict: verdict,
        upstreamIp: res ? res.upstreamIp : ""
      });
      H.setVar(V.REPORT_SENT, H.sendReport(cfg, Palisade.event.batch(cfg.gatewayId, event, Palisade.counters(), now)));
    }
  } catch (e2) {
    H.setVar(V.ERROR, e2 && e2.message ? String(e2.message) : String(e2));
  }
  H.setVar(V.ELAPSED_MS, new Date().getTime() - started);
})();
