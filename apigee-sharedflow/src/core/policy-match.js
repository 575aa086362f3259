// Policy matching and the verdict, the same semantics as the Envoy filter (rules.proto Match,
// Policy, BlockResponse; shared cases in test/vectors/policy/). Pure: it sees a plain exchange
// and findings, never Apigee's context.
//
// exchange: { host, method, path, clientIp, headers: { lower-case name: [values] },
//             auth: { scheme } }
// findings: [{ type, severity, direction }] (enum names)
var Palisade = Palisade || {};

Palisade.policyMatch = (function () {
  "use strict";

  var E = Palisade.enums;

  function list(v) {
    return v && v.length ? v : [];
  }

  function hostMatches(pattern, host) {
    pattern = String(pattern).toLowerCase();
    if (pattern.substring(0, 2) === "*.") {
      var suffix = pattern.substring(1);
      return host.length > suffix.length && host.substring(host.length - suffix.length) === suffix;
    }
    return pattern === host;
  }

  function anyOf(items, test) {
    for (var i = 0; i < items.length; i++) if (test(items[i])) return true;
    return false;
  }

  function headerTest(h, headers) {
    var values = headers[String(h.name).toLowerCase()] || [];
    var ok;
    if (h.exact !== undefined && h.exact !== null) {
      ok = anyOf(values, function (v) {
        return String(v) === h.exact;
      });
    } else if (h.prefix !== undefined && h.prefix !== null) {
      ok = anyOf(values, function (v) {
        return Palisade.text.startsWith(String(v), h.prefix);
      });
    } else {
      // `present: true` or no test at all: the header must be there.
      ok = values.length > 0;
    }
    return h.invert ? !ok : ok;
  }

  function hasFindingCriteria(match) {
    return list(match.findingTypes).length > 0 || E.number("Severity", match.minSeverity) > 0;
  }

  // The findings that satisfy the match's finding criteria (types, direction, minimum severity).
  function triggering(match, findings) {
    var types = list(match.findingTypes);
    var direction = E.name("Direction", match.findingDirection);
    var minSeverity = E.number("Severity", match.minSeverity);
    var out = [];
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      if (direction !== "DIRECTION_UNSPECIFIED" && f.direction !== direction) continue;
      if (types.length > 0 && types.indexOf(f.type) < 0) continue;
      if (minSeverity > 0 && E.number("Severity", f.severity) < minSeverity) continue;
      out.push(f);
    }
    return out;
  }

  // Everything but the findings: hosts, methods, paths, client networks, headers, auth schemes.
  function requestMatches(match, exchange) {
    var hosts = list(match.hosts);
    if (
      hosts.length &&
      !anyOf(hosts, function (h) {
        return hostMatches(h, exchange.host);
      })
    )
      return false;
    var methods = list(match.methods);
    if (methods.length && methods.indexOf(exchange.method) < 0) return false;
    var paths = list(match.paths);
    if (
      paths.length &&
      !anyOf(paths, function (t) {
        return Palisade.pathTemplate.matches(String(t), exchange.path);
      })
    ) {
      return false;
    }
    var cidrs = list(match.clientCidrs);
    if (
      cidrs.length &&
      !anyOf(cidrs, function (c) {
        return Palisade.cidr.contains(c, exchange.clientIp);
      })
    )
      return false;
    var headers = list(match.headers);
    for (var i = 0; i < headers.length; i++) if (!headerTest(headers[i], exchange.headers)) return false;
    var schemes = list(match.authSchemes);
    if (schemes.length) {
      var seen = exchange.auth && exchange.auth.scheme ? exchange.auth.scheme : "AUTH_SCHEME_NONE";
      if (
        !anyOf(schemes, function (s) {
          return E.name("AuthScheme", s) === seen;
        })
      )
        return false;
    }
    return true;
  }

  // { matched, findings } for one policy. Without finding criteria, findings is empty.
  function matchPolicy(policy, exchange, findings) {
    var match = policy.match || {};
    if (!requestMatches(match, exchange)) return { matched: false, findings: [] };
    if (!hasFindingCriteria(match)) return { matched: true, findings: [] };
    var hits = triggering(match, findings);
    return { matched: hits.length > 0, findings: hits };
  }

  // Policies in evaluation order: ascending priority, then list order (a stable sort by hand,
  // because Rhino's Array.prototype.sort stability is not something to rely on).
  function ordered(policies) {
    var items = [];
    for (var i = 0; i < policies.length; i++) {
      items.push({ p: policies[i], i: i, prio: parseInt(policies[i].priority || 0, 10) || 0 });
    }
    items.sort(function (a, b) {
      return a.prio - b.prio || a.i - b.i;
    });
    var out = [];
    for (var j = 0; j < items.length; j++) out.push(items[j].p);
    return out;
  }

  function modeOf(policy, settings) {
    var m = E.name("Mode", policy.mode);
    return m === "MODE_UNSPECIFIED" ? settings.defaultMode : m;
  }

  function defaultBlockBody(policy, status) {
    return JSON.stringify({ title: "Request blocked by Palisade", status: status, policy: policy.id });
  }

  // The local reply of a BLOCK (rules.proto BlockResponse defaults).
  function blockReply(policy, direction) {
    var b = policy.block || {};
    var status = parseInt(b.status || 0, 10) || 403;
    var style = E.name("ResponseBlockStyle", b.responseStyle);
    if (style === "RESPONSE_BLOCK_STYLE_UNSPECIFIED") style = "RESPONSE_BLOCK_STYLE_ERROR";
    return {
      status: status,
      body: b.body ? String(b.body) : defaultBlockBody(policy, status),
      contentType: b.contentType ? String(b.contentType) : "application/json",
      style: direction === "DIRECTION_RESPONSE" ? style : "RESPONSE_BLOCK_STYLE_ERROR"
    };
  }

  // `finding:<type>` of the first finding the policy is about, else `policy:<id>` (the filter's
  // reasons, so events from both gateways read the same).
  function reasonOf(policy, findings) {
    var types = list((policy.match || {}).findingTypes);
    for (var i = 0; i < findings.length; i++) {
      if (types.length === 0 || types.indexOf(findings[i].type) >= 0) return "finding:" + findings[i].type;
    }
    return "policy:" + policy.id;
  }

  function noVerdict(direction) {
    return {
      action: "ACTION_UNSPECIFIED",
      mode: "MODE_UNSPECIFIED",
      policyId: "",
      enforced: false,
      status: 0,
      reason: "",
      direction: direction,
      logged: [],
      policy: null,
      block: null
    };
  }

  function assign(base, decided) {
    for (var key in decided) if (Object.prototype.hasOwnProperty.call(decided, key)) base[key] = decided[key];
    return base;
  }

  // The verdict for one direction, as the Envoy filter decides it (wasm-filter policy/verdict.ts):
  // - Request: every policy whose finding direction is not RESPONSE, over request findings.
  // - Response: only policies that depend on findings and accept response findings; a
  //   RATE_LIMIT there is recorded like a LOG (a response cannot be rate-limited after the fact).
  // - The first matching ENFORCE-mode BLOCK or RATE_LIMIT decides. A matching MONITOR-mode one is
  //   remembered as what would have happened and evaluation goes on, so a policy under trial never
  //   shadows an enforced one. Matching LOGs are listed in `logged`.
  // - RATE_LIMIT: `rate-limit-key-absent` when the request lacks the bucket's key (never limits),
  //   else `rate-limited` (429) when options.exhausted says the bucket is empty, else
  //   `within-limit`.
  // - `inspectionFailed`: a matching ENFORCE BLOCK that depends on findings and whose failure
  //   mode is CLOSED refuses the exchange with 503 (DESIGN.md "Decisions").
  // `findings` are every finding known so far (each with its direction); a match's
  // finding_direction picks among them, as in the filter.
  // options: { inspectionFailed, monitorOnly (the gateway's global monitor mode), exhausted
  //   (function(policyId) → true when that bucket is empty; null on Apigee, where SpikeArrest /
  //   Quota count after this decision and JS-ReportLimited records the outcome) }.
  function decide(ruleSet, settings, exchange, findings, direction, options) {
    var opts = options || {};
    var inspectionFailed = !!opts.inspectionFailed;
    var verdict = noVerdict(direction);
    var would = null;
    var firstLog = null;
    var policies = ordered(list(ruleSet && ruleSet.policies));
    var relevant = findings;
    for (var i = 0; i < policies.length; i++) {
      var policy = policies[i];
      var match = policy.match || {};
      var fd = E.name("Direction", match.findingDirection);
      if (direction === "DIRECTION_REQUEST" && fd === "DIRECTION_RESPONSE") continue;
      if (direction === "DIRECTION_RESPONSE" && (!hasFindingCriteria(match) || fd === "DIRECTION_REQUEST")) continue;
      var mode = opts.monitorOnly ? "MODE_MONITOR" : modeOf(policy, settings);
      var action = E.name("Action", policy.action);
      if (
        inspectionFailed &&
        action === "ACTION_BLOCK" &&
        mode === "MODE_ENFORCE" &&
        hasFindingCriteria(match) &&
        E.name("FailureMode", policy.failureMode) === "FAILURE_MODE_CLOSED" &&
        requestMatches(match, exchange)
      ) {
        var closed = blockReply(policy, direction);
        closed.status = 503;
        closed.style = "RESPONSE_BLOCK_STYLE_ERROR";
        closed.body = JSON.stringify({ title: "Inspection failed", status: 503, policy: policy.id });
        return assign(verdict, {
          action: "ACTION_BLOCK",
          mode: mode,
          policyId: policy.id,
          enforced: true,
          status: 503,
          reason: "fail-closed",
          policy: policy,
          block: closed
        });
      }
      if (!matchPolicy(policy, exchange, relevant).matched) continue;
      if (action === "ACTION_RATE_LIMIT" && direction === "DIRECTION_RESPONSE") action = "ACTION_LOG";
      if (action === "ACTION_LOG" || action === "ACTION_UNSPECIFIED") {
        verdict.logged.push(policy.id);
        if (firstLog === null) firstLog = policy;
        continue;
      }
      var decided = {
        action: action,
        mode: mode,
        policyId: policy.id,
        enforced: false,
        status: 0,
        reason: reasonOf(policy, relevant),
        policy: policy,
        block: null
      };
      if (action === "ACTION_BLOCK") {
        decided.block = blockReply(policy, direction);
        decided.status = decided.block.status;
        decided.enforced = mode === "MODE_ENFORCE";
      } else if (!Palisade.rateLimit.keyPresent(policy, exchange)) {
        decided.reason = "rate-limit-key-absent";
      } else if (opts.exhausted && opts.exhausted(policy.id)) {
        decided.reason = "rate-limited";
        decided.status = 429;
        decided.enforced = mode === "MODE_ENFORCE";
      } else {
        decided.reason = "within-limit";
      }
      if (mode === "MODE_ENFORCE") return assign(verdict, decided);
      if (would === null) would = decided;
    }
    if (would !== null) return assign(verdict, would);
    if (firstLog !== null) {
      assign(verdict, {
        action: "ACTION_LOG",
        mode: opts.monitorOnly ? "MODE_MONITOR" : modeOf(firstLog, settings),
        policyId: firstLog.id,
        reason: reasonOf(firstLog, relevant),
        policy: firstLog
      });
    }
    return verdict;
  }

  return {
    decide: decide,
    matchPolicy: matchPolicy,
    requestMatches: requestMatches,
    hostMatches: hostMatches,
    blockReply: blockReply
  };
})();
