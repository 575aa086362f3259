// Inspection of one message (request or response) as plain values: which parts are inspected
// (content type, inspection limit, sampling, streaming), the scan, the body shape. No Apigee
// objects here; src/apigee/ reads them and calls this.
var Palisade = Palisade || {};

Palisade.inspect = (function () {
  "use strict";

  function mediaTypeOf(contentType) {
    if (!contentType) return "";
    var semi = String(contentType).indexOf(";");
    return Palisade.text.trim((semi < 0 ? String(contentType) : String(contentType).substring(0, semi)).toLowerCase());
  }

  // `application/*+json` and `text/*` style patterns from Settings.inspect_content_types.
  function contentTypeInspected(mediaType, patterns) {
    if (mediaType === "") return true; // No content type: scan it as text; the scanner copes.
    for (var i = 0; i < patterns.length; i++) {
      var p = String(patterns[i]).toLowerCase();
      if (p === mediaType) return true;
      var star = p.indexOf("*");
      if (star >= 0) {
        var head = p.substring(0, star);
        var tail = p.substring(star + 1);
        if (
          mediaType.length >= head.length + tail.length &&
          Palisade.text.startsWith(mediaType, head) &&
          Palisade.text.endsWith(mediaType, tail)
        ) {
          return true;
        }
      }
    }
    return false;
  }

  // msg: { kind, method, path, headers: { lower name: [values] }, query, body (string|null),
  //        contentType, contentEncoding, declaredLength, streaming, sampled }
  // ctx: { ruleSet, settings, detectors, deadlineMs?, now?, note? } (now: clock in ms, for tests;
  //        note: value-hash.js hasher for the body's fields)
  // Returns { findings, shape, bodyBytes, error, path } — error is null or the message of a scanner
  // failure (the caller applies the failure mode); path is the request path to report.
  function inspectMessage(msg, ctx) {
    var settings = ctx.settings;
    var mediaType = mediaTypeOf(msg.contentType);
    var body = msg.body === null || msg.body === undefined ? "" : String(msg.body);
    // Size for the event: the declared Content-Length when there is one; counting UTF-8 bytes of a
    // multi-megabyte body would cost more than inspecting it (Rhino), so past 1 MiB of text the
    // UTF-16 length stands in (exact for ASCII, a lower bound otherwise).
    var bodyBytes = msg.declaredLength || 0;
    if (bodyBytes === 0 && body.length > 0) bodyBytes = body.length <= 1048576 ? Palisade.text.utf8Length(body) : body.length;
    var shape = { contentType: mediaType, fields: [], truncated: false, fieldsDropped: 0, notInspectedReason: "" };
    if (body.length === 0 && msg.declaredLength > 0) {
      // Streaming or a body Apigee did not buffer: never report "clean" for what was not seen.
      shape.notInspectedReason = msg.streaming ? "streaming" : "body-unavailable";
    } else if (msg.contentEncoding && !/^identity$/i.test(msg.contentEncoding)) {
      shape.notInspectedReason = "content-encoding:" + String(msg.contentEncoding).toLowerCase();
    } else if (!contentTypeInspected(mediaType, settings.inspectContentTypes)) {
      shape.notInspectedReason = "content-type";
    } else if (msg.sampled === false) {
      shape.notInspectedReason = "sampled-out";
    }
    var scanBody = "";
    if (shape.notInspectedReason === "" && body.length > 0) {
      scanBody = Palisade.text.truncateUtf8(body, settings.maxBodyBytes);
      shape.truncated = scanBody.length < body.length;
    }
    var flatHeaders = {};
    for (var h in msg.headers) {
      if (Object.prototype.hasOwnProperty.call(msg.headers, h)) flatHeaders[h] = msg.headers[h].join(", ");
    }
    var message = {
      kind: msg.kind,
      method: msg.method || "",
      path: msg.path || "",
      headers: flatHeaders,
      query: msg.query || "",
      body: scanBody,
      contentType: msg.contentType || ""
    };
    var limits = {
      maxBodyBytes: settings.maxBodyBytes,
      maxFindings: settings.maxFindingsPerEvent,
      // The engine looks at the clock as it goes (src/detect/deadline.js), with one budget for
      // every scan of this message.
      deadlineMs: ctx.deadlineMs || 0,
      now: ctx.now
    };
    limits.budget = Palisade.scanner.budgetOf(limits);
    var scanned = scanWithinBudget(ctx, message, limits);
    if (scanned.error === TIME_BUDGET_EXCEEDED && shape.notInspectedReason === "") shape.notInspectedReason = "time-budget";
    if (shape.notInspectedReason === "" && scanBody.length > 0) {
      // After the scan, with what is left of the budget: the findings protect, the shape only
      // describes the API (a shape cut short says so in fieldsDropped).
      var s = Palisade.shape.bodyShape(mediaType, scanBody, shape.truncated, settings.maxShapeFields, overBudgetOf(ctx), ctx.note);
      shape.fields = s.fields;
      shape.fieldsDropped = s.fieldsDropped;
    }
    // path: what the event may report (segments with a finding masked, path-privacy.js).
    return { findings: scanned.findings, shape: shape, bodyBytes: bodyBytes, error: scanned.error, path: scanned.path };
  }

  var TIME_BUDGET_EXCEEDED = "time-budget-exceeded";

  function currentTimeMs() {
    return new Date().getTime();
  }

  function withBody(message, body) {
    return {
      kind: message.kind,
      method: message.method,
      path: message.path,
      headers: body === null ? message.headers : {},
      query: body === null ? message.query : "",
      body: body === null ? "" : body,
      contentType: message.contentType
    };
  }

  // () -> whether ctx.deadlineMs has passed (never, without one).
  function overBudgetOf(ctx) {
    var clock = ctx.now || currentTimeMs;
    var deadline = ctx.deadlineMs || 0;
    return function () {
      return deadline > 0 && clock() >= deadline;
    };
  }

  // Apigee stops a JavaScript policy at its timeLimit (ScriptExecutionFailed: a 500, or with
  // continueOnError a silent skip that sets no verdict and reports nothing). So the scan runs in
  // two steps, headers and query first, then the body; neither starts once ctx.deadlineMs has
  // passed, and the engine gives up inside a step when the deadline passes during it (it throws
  // TIME_BUDGET_EXCEEDED, src/detect/deadline.js): the policy then still decides with the
  // findings of the steps that ended, applies the failure mode and reports the exchange.
  // The engine scans each field on its own, so two calls find what one call would.
  function scanWithinBudget(ctx, message, limits) {
    var minConfidence = ctx.settings.minConfidence;
    var overBudget = overBudgetOf(ctx);
    var findings = [];
    // A request path is reported only once inspected; until then no segment of it is.
    var path = message.kind === "request" ? Palisade.pathPrivacy.unscanned(message.path) : message.path;
    try {
      if (overBudget()) return { findings: findings, error: TIME_BUDGET_EXCEEDED, path: path };
      if (message.kind === "request") {
        var inPath = Palisade.pathPrivacy.scan(ctx.ruleSet, message.path, limits, ctx.detectors, minConfidence);
        findings = inPath.findings;
        path = inPath.path;
      }
      var inHeaders = Palisade.scanner.scan(ctx.ruleSet, withBody(message, null), limits, ctx.detectors, minConfidence);
      findings = Palisade.scanner.merge(findings, inHeaders, limits.maxFindings);
      if (message.body.length === 0) return { findings: findings, error: null, path: path };
      if (overBudget()) return { findings: findings, error: TIME_BUDGET_EXCEEDED, path: path };
      var inBody = Palisade.scanner.scan(ctx.ruleSet, withBody(message, message.body), limits, ctx.detectors, minConfidence);
      return { findings: Palisade.scanner.merge(findings, inBody, limits.maxFindings), error: null, path: path };
    } catch (e) {
      return { findings: findings, error: e && e.message ? String(e.message) : String(e), path: path };
    }
  }

  return {
    inspectMessage: inspectMessage,
    mediaTypeOf: mediaTypeOf,
    contentTypeInspected: contentTypeInspected,
    TIME_BUDGET_EXCEEDED: TIME_BUDGET_EXCEEDED
  };
})();
