// JS-InspectRequest: inspects the request, decides the verdict and sets the flow variables the
// rest of the shared flow acts on (RF-Block, SA-RateLimit, Q-RateLimit). Never throws: an
// internal error is absorbed by the failure mode (fail-open unless failureMode=closed), because
// a throw becomes a 500 that can leak the error text (notes/apigee.md §4).
/* global Palisade */
(function () {
  "use strict";
  var V = Palisade.vars;
  var H = Palisade.host;
  // The budget counts from the library's first statement (started.js), as Apigee's timeLimit does.
  var started = Palisade.startedAtMs || new Date().getTime();
  // First, before anything that can take time: if Apigee stops this script at its timeLimit,
  // the response hook must still see that the request pass ran, or it would run the request
  // steps again on the response (sharedflows/default.xml tells the passes apart by this).
  H.setVar(V.PHASE, "request");
  var cfg = Palisade.config.parse(H.properties());
  if (cfg.problems.length) H.setVar(V.CONFIG_PROBLEMS, cfg.problems.join("; "));

  function shortAction(action) {
    return action === "ACTION_UNSPECIFIED" ? "ALLOW" : action.substring("ACTION_".length);
  }

  function setVerdictVariables(verdict, findings) {
    H.setVar(V.VERDICT, shortAction(verdict.action));
    H.setVar(V.VERDICT_POLICY, verdict.policyId);
    H.setVar(V.VERDICT_REASON, verdict.reason);
    H.setVar(V.VERDICT_MODE, verdict.mode === "MODE_ENFORCE" ? "ENFORCE" : "MONITOR");
    var masked = [];
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
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
    H.setVar(V.FINDINGS, JSON.stringify(masked));
    H.setVar(V.FINDINGS_COUNT, findings.length);
    var block = verdict.action === "ACTION_BLOCK" && verdict.enforced;
    H.setVar(V.BLOCK_ENFORCE, block);
    if (block) {
      H.setVar(V.BLOCK_STATUS, verdict.block.status);
      H.setVar(V.BLOCK_BODY, verdict.block.body);
      H.setVar(V.BLOCK_CONTENT_TYPE, verdict.block.contentType);
    }
  }

  function failClosed(reason) {
    H.setVar(V.VERDICT, "BLOCK");
    H.setVar(V.VERDICT_REASON, "fail-closed");
    H.setVar(V.BLOCK_ENFORCE, true);
    H.setVar(V.BLOCK_STATUS, 503);
    H.setVar(V.BLOCK_BODY, JSON.stringify({ title: "Inspection failed", status: 503 }));
    H.setVar(V.BLOCK_CONTENT_TYPE, "application/json");
    H.setVar(V.FAILURE_MODE_USED, "closed");
    H.setVar(V.ERROR, reason);
  }

  try {
    var rules = Palisade.rulesSource.load();
    var settings = Palisade.ruleSet.settingsOf(rules.ruleSet.settings);
    if (cfg.maxBodyBytes > 0 && cfg.maxBodyBytes < settings.maxBodyBytes) settings.maxBodyBytes = cfg.maxBodyBytes;
    var req = H.readRequest(typeof request === "undefined" ? null : request);
    req.sampled = settings.samplePercent >= 100 || Math.random() * 100 < settings.samplePercent;
    req.auth = Palisade.authScheme.detect(req.headers, req.query, false);
    var detectors = Palisade.ruleSet.detectorIndex(rules.ruleSet);
    // Enums from runtime: value hashes under the KVM's hash key, values released for this endpoint.
    var VH = Palisade.valueHash;
    var hashKey = VH.keyOf(H.getVar(V.HASH_KEY));
    var released = hashKey === null ? null : VH.releasedFor(rules.ruleSet, req);
    var result = Palisade.inspect.inspectMessage(req, {
      ruleSet: rules.ruleSet,
      settings: settings,
      detectors: detectors,
      deadlineMs: cfg.timeBudgetMs > 0 ? started + cfg.timeBudgetMs : 0,
      note: VH.hasher(hashKey, "request", released)
    });
    var failed = result.error !== null;
    if (failed && cfg.failureMode === "closed") {
      failClosed(result.error);
      return;
    }
    var exchange = {
      host: req.host,
      method: req.method,
      path: req.path,
      clientIp: req.clientIp,
      headers: req.headers,
      auth: req.auth,
      query: req.query
    };
    var verdict = Palisade.policyMatch.decide(rules.ruleSet, settings, exchange, result.findings, "DIRECTION_REQUEST", {
      inspectionFailed: failed,
      monitorOnly: cfg.mode === "monitor"
    });
    if (failed && verdict.reason !== "fail-closed") {
      H.setVar(V.ERROR, result.error);
      H.setVar(V.FAILURE_MODE_USED, "open");
      if (verdict.action === "ACTION_UNSPECIFIED") verdict.reason = "fail-open";
    }
    setVerdictVariables(verdict, result.findings);
    H.setVar(V.RL_SPIKE, false);
    H.setVar(V.RL_QUOTA, false);
    H.setVar(V.RL_ENFORCE, false);
    var rl = verdict.action === "ACTION_RATE_LIMIT" ? Palisade.rateLimit.variables(verdict.policy, exchange) : null;
    if (rl !== null) {
      // MONITOR-mode limits are counted too (the event says whether the limit was exceeded);
      // only ENFORCE answers 429.
      H.setVar(V.RL_POLICY, rl.policy);
      H.setVar(V.RL_IDENTIFIER, rl.identifier);
      H.setVar(V.RL_SPIKE, rl.spikeArrest);
      H.setVar(V.RL_QUOTA, rl.quota);
      H.setVar(V.RL_ENFORCE, verdict.mode === "MODE_ENFORCE");
      if (rl.spikeArrest) H.setVar(V.RL_RATE, rl.spikeArrestRate);
      if (rl.quota) {
        H.setVar(V.RL_COUNT, rl.quotaCount);
        H.setVar(V.RL_INTERVAL, rl.quotaInterval);
        H.setVar(V.RL_TIMEUNIT, rl.quotaTimeUnit);
      }
    }
    var pathTemplate = "";
    var paths = verdict.policy && verdict.policy.match && verdict.policy.match.paths;
    if (paths && paths.length === 1 && String(paths[0]).indexOf("{") >= 0) pathTemplate = String(paths[0]);
    var event = Palisade.event.requestEvent({
      id: req.timestampMs * 1000 + Math.floor(Math.random() * 1000),
      timestampMs: req.timestampMs,
      requestId: req.requestId,
      host: req.host,
      method: req.method,
      path: result.path,
      pathTemplate: pathTemplate,
      clientIp: req.clientIp,
      auth: req.auth,
      params: Palisade.shape.parameters(req.query, req.headers, settings.maxShapeFields, VH.hasher(hashKey, "query", released)),
      requestBytes: result.bodyBytes,
      shape: result.shape,
      findings: result.findings,
      verdict: verdict,
      rulesVersion: Palisade.ruleSet.version(rules.ruleSet),
      scheme: req.scheme,
      userAgent: req.userAgent
    });
    var counters = { inspectionErrors: failed ? 1 : 0, failOpenUsed: failed ? 1 : 0 };
    H.setVar(V.EVENT, JSON.stringify(event));
    if (verdict.action === "ACTION_BLOCK" && verdict.enforced) {
      // The response flow hook will not run after a fault: report the blocked exchange now.
      event.status = verdict.status;
      H.setVar(V.REPORT_SENT, H.sendReport(cfg, Palisade.event.batch(cfg.gatewayId, event, counters, H.now())));
    }
  } catch (e) {
    var message = e && e.message ? String(e.message) : String(e);
    if (cfg.failureMode === "closed") {
      failClosed(message);
    } else {
      H.setVar(V.VERDICT, "ALLOW");
      H.setVar(V.VERDICT_REASON, "fail-open");
      H.setVar(V.BLOCK_ENFORCE, false);
      H.setVar(V.FAILURE_MODE_USED, "open");
      H.setVar(V.ERROR, message);
    }
  } finally {
    H.setVar(V.ELAPSED_MS, new Date().getTime() - started);
  }
})();
