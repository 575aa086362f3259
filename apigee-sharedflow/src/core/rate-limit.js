// Turns a RATE_LIMIT policy (rules.proto RateLimit: `rate` tokens every `period_seconds`, keyed by
// client ip, API key, a header or globally) into the values the bundle's SpikeArrest and Quota
// policies read through flow-variable references. Apigee counts; the policy only says what to
// count and how fast. Periods under a minute go to SpikeArrest (per-second / per-minute rates);
// longer periods go to Quota (count per interval of minutes, hours or days).
var Palisade = Palisade || {};

Palisade.rateLimit = (function () {
  "use strict";

  // Two 32-bit FNV-1a variants → 16 hex digits. Identifiers end up in Apigee's quota counters and
  // analytics, so API keys and tokens are hashed, never used as is.
  function hash(s) {
    var a = 0x811c9dc5;
    var b = 0x01000193 ^ 0x5bd1e995;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      a ^= c;
      a = (a + ((a << 1) + (a << 4) + (a << 7) + (a << 8) + (a << 24))) >>> 0;
      b ^= c;
      b = (b + ((b << 1) + (b << 4) + (b << 7) + (b << 8) + (b << 24))) >>> 0;
    }
    var hex = "0000000" + a.toString(16);
    var hex2 = "0000000" + b.toString(16);
    return hex.substring(hex.length - 8) + hex2.substring(hex2.length - 8);
  }

  function firstHeader(headers, name) {
    var v = headers[name];
    return v && v.length > 0 ? String(v[0]) : null;
  }

  // The credential a RATE_LIMIT_KEY_API_KEY bucket is keyed by: the bearer token / Authorization
  // value, else an API-key header, else an API-key query parameter.
  function apiKeyOf(exchange) {
    var auth = firstHeader(exchange.headers, "authorization");
    if (auth !== null) return auth;
    var keyName = exchange.auth && exchange.auth.keyName;
    if (keyName && exchange.auth.scheme === "AUTH_SCHEME_API_KEY_HEADER") return firstHeader(exchange.headers, keyName);
    if (keyName && exchange.auth.scheme === "AUTH_SCHEME_API_KEY_QUERY") return "query:" + keyName + ":" + exchange.query;
    return null;
  }

  // The value the bucket is keyed by, or null when the request does not carry it (then no bucket
  // applies: reason `rate-limit-key-absent`, as in the filter).
  function keyValue(rl, exchange) {
    var key = Palisade.enums.name("RateLimitKey", rl.key);
    if (key === "RATE_LIMIT_KEY_GLOBAL") return "global";
    if (key === "RATE_LIMIT_KEY_API_KEY") {
      var k = apiKeyOf(exchange);
      return k === null || k === "" ? null : "key:" + hash(k);
    }
    if (key === "RATE_LIMIT_KEY_HEADER") {
      var h = rl.header ? firstHeader(exchange.headers, String(rl.header).toLowerCase()) : null;
      return h === null || h === "" ? null : "header:" + hash(h);
    }
    return exchange.clientIp ? "ip:" + exchange.clientIp : null;
  }

  function keyPresent(policy, exchange) {
    return keyValue(policy.rateLimit || {}, exchange) !== null;
  }

  // Flow variables for one RATE_LIMIT policy, or null when the request lacks the bucket's key.
  // `spikeArrest` / `quota` say which of the two bundle policies counts this request.
  function variables(policy, exchange) {
    var rl = policy.rateLimit || {};
    var value = keyValue(rl, exchange);
    if (value === null) return null;
    var rate = Math.max(1, parseInt(rl.rate || 0, 10) || 1);
    var period = Math.max(1, parseInt(rl.periodSeconds || 0, 10) || 1);
    var out = {
      identifier: "palisade:" + policy.id + ":" + value,
      policy: policy.id,
      spikeArrest: period < 60,
      quota: period >= 60,
      spikeArrestRate: "",
      quotaCount: 0,
      quotaInterval: 0,
      quotaTimeUnit: ""
    };
    if (period < 60) {
      // SpikeArrest understands only `Nps` and `Npm`.
      out.spikeArrestRate = period === 1 ? rate + "ps" : Math.max(1, Math.round((rate * 60) / period)) + "pm";
    } else if (period % 86400 === 0) {
      out.quotaCount = rate;
      out.quotaInterval = period / 86400;
      out.quotaTimeUnit = "day";
    } else if (period % 3600 === 0) {
      out.quotaCount = rate;
      out.quotaInterval = period / 3600;
      out.quotaTimeUnit = "hour";
    } else if (period % 60 === 0) {
      out.quotaCount = rate;
      out.quotaInterval = period / 60;
      out.quotaTimeUnit = "minute";
    } else {
      // e.g. 100 per 90 s → 67 per minute: the nearest whole-minute window at the same rate.
      out.quotaCount = Math.max(1, Math.round((rate * 60) / period));
      out.quotaInterval = 1;
      out.quotaTimeUnit = "minute";
    }
    return out;
  }

  return { variables: variables, keyPresent: keyPresent, hash: hash };
})();
