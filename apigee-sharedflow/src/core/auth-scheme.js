// How the client authenticated, as far as the request shows (telemetry.proto AuthInfo, common.proto
// AuthScheme). Used for Match.auth_schemes and reported in every event. Headers arrive as
// { lower-case name: [values] }, the query as its raw string.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.authScheme = (function () {
  "use strict";

  var API_KEY_HEADERS = ["x-api-key", "api-key", "apikey", "x-apikey", "x-auth-token", "x-access-token"];
  var API_KEY_PARAMS = ["api_key", "apikey", "api-key", "key", "access_token", "token"];
  var SESSION_COOKIE = /(^|;\s*)(session|sessionid|sid|jsessionid|phpsessid|connect\.sid|__session)=/i;

  function first(headers, name) {
    var v = headers[name];
    return v && v.length > 0 ? String(v[0]) : null;
  }

  function base64UrlDecode(s) {
    var chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    var out = "";
    var bits = 0;
    var acc = 0;
    for (var i = 0; i < s.length; i++) {
      var v = chars.indexOf(s.charAt(i));
      if (v < 0) return null;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((acc >> bits) & 255);
      }
    }
    return out;
  }

  // The `alg` of a JWT header, or null when the token is not a JWT.
  function jwtAlg(token) {
    var parts = token.split(".");
    if (parts.length !== 3 || parts[0].length === 0) return null;
    var header = base64UrlDecode(parts[0].replace(/=+$/, ""));
    if (header === null) return null;
    try {
      var parsed = JSON.parse(header);
      return parsed && typeof parsed.alg === "string" ? parsed.alg : null;
    } catch (e) {
      return null;
    }
  }

  function queryParamNames(query) {
    var names = [];
    if (!query) return names;
    var pairs = query.split("&");
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf("=");
      var name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, " "));
      } catch (e) {
        // Keep the raw name: a malformed escape is not a reason to fail inspection.
      }
      names.push(name.toLowerCase());
    }
    return names;
  }

  function detect(headers, query, clientCertPresent) {
    var auth = first(headers, "authorization");
    if (auth !== null) {
      var space = auth.indexOf(" ");
      var scheme = (space < 0 ? auth : auth.substring(0, space)).toLowerCase();
      var credentials = space < 0 ? "" : Palisade.text.trim(auth.substring(space + 1));
      if (scheme === "basic") return { scheme: "AUTH_SCHEME_BASIC" };
      if (scheme === "bearer") {
        var alg = jwtAlg(credentials);
        if (alg !== null) return { scheme: "AUTH_SCHEME_JWT", jwtAlg: alg };
        return { scheme: "AUTH_SCHEME_BEARER" };
      }
      return { scheme: "AUTH_SCHEME_OTHER" };
    }
    var i;
    for (i = 0; i < API_KEY_HEADERS.length; i++) {
      if (first(headers, API_KEY_HEADERS[i]) !== null) {
        return { scheme: "AUTH_SCHEME_API_KEY_HEADER", keyName: API_KEY_HEADERS[i] };
      }
    }
    var params = queryParamNames(query);
    for (i = 0; i < params.length; i++) {
      if (API_KEY_PARAMS.indexOf(params[i]) >= 0) return { scheme: "AUTH_SCHEME_API_KEY_QUERY", keyName: params[i] };
    }
    if (clientCertPresent) return { scheme: "AUTH_SCHEME_MTLS" };
    var cookie = first(headers, "cookie");
    if (cookie !== null && SESSION_COOKIE.test(cookie)) return { scheme: "AUTH_SCHEME_COOKIE" };
    return { scheme: "AUTH_SCHEME_NONE" };
  }

  return { detect: detect, jwtAlg: jwtAlg, queryParamNames: queryParamNames };
})();
