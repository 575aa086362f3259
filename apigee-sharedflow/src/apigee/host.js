// The edge: everything that touches Apigee's JavaScript object model (context, request,
// response, properties, httpClient, Request). The rest of the policy works on plain values.
// Values from context.getVariable may be Java strings, numbers or collections: all go through
// Palisade.text.str or are parsed here.
var Palisade = Palisade || {};

Palisade.host = (function () {
  "use strict";

  var str = Palisade.text.str;

  function getVar(name) {
    return str(context.getVariable(name));
  }

  function getInt(name) {
    var v = getVar(name);
    if (v === null || !/^-?\d+(\.\d+)?$/.test(v)) return 0;
    return Math.floor(parseFloat(v));
  }

  function setVar(name, value) {
    context.setVariable(name, value);
  }

  // Apigee's header value lists are array-like Java objects: `length` may be a method
  // (`.length()`), a property, or absent in favour of `size()`.
  function countOf(values) {
    if (values === null || values === undefined) return 0;
    if (typeof values === "string") return 1;
    var n = values.length;
    if (typeof n === "function") return n.call(values);
    if (typeof n === "number") return n;
    if (typeof values.size === "function") return values.size();
    return 0;
  }

  function namesFromVariable(prefix) {
    var raw = getVar(prefix + ".headers.names");
    if (raw === null) return [];
    raw = Palisade.text.trim(raw);
    if (raw.charAt(0) === "[" && raw.charAt(raw.length - 1) === "]") raw = raw.substring(1, raw.length - 1);
    if (raw.length === 0) return [];
    return raw.split(/,\s*/);
  }

  // { lower-case name: [values] } of a message object (`request` / `response`), read from
  // `message.headers[name]`; names come from enumerating the headers object, or from the
  // `<prefix>.headers.names` collection when the object does not enumerate.
  function readHeaders(message, prefix) {
    var out = {};
    var names = [];
    var headers = message ? message.headers : null;
    if (headers) {
      for (var n in headers) names.push(String(n));
    }
    if (names.length === 0) names = namesFromVariable(prefix);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var lower = name.toLowerCase();
      var values = headers ? headers[name] : null;
      var list = out[lower] || [];
      var count = countOf(values);
      if (count > 0 && typeof values !== "string") {
        for (var j = 0; j < count; j++) list.push(String(values[j]));
      } else {
        var single = typeof values === "string" ? values : getVar(prefix + ".header." + name);
        if (single !== null) list.push(single);
      }
      out[lower] = list;
    }
    return out;
  }

  function first(headers, name) {
    var v = headers[name];
    return v && v.length > 0 ? v[0] : null;
  }

  function hostOf(headers) {
    var h = first(headers, "host") || getVar("request.header.host") || "";
    h = h.toLowerCase();
    if (h.charAt(0) === "[") return h.substring(0, h.indexOf("]") + 1);
    var colon = h.indexOf(":");
    return colon >= 0 ? h.substring(0, colon) : h;
  }

  function now() {
    var t = getInt("system.timestamp");
    return t > 0 ? t : new Date().getTime();
  }

  // The request as plain values for inspection and matching.
  function readRequest(msg) {
    var headers = readHeaders(msg, "request");
    var path = getVar("request.path") || "/";
    var q = path.indexOf("?");
    if (q >= 0) path = path.substring(0, q);
    var query = getVar("request.querystring") || "";
    var declared = parseInt(first(headers, "content-length") || "0", 10) || 0;
    return {
      kind: "request",
      method: (getVar("request.verb") || "GET").toUpperCase(),
      path: path,
      host: hostOf(headers),
      query: query,
      headers: headers,
      body: getVar("request.content"),
      contentType: first(headers, "content-type") || "",
      contentEncoding: first(headers, "content-encoding") || "",
      declaredLength: declared,
      clientIp: getVar("client.ip") || getVar("proxy.client.ip") || "",
      scheme: getVar("client.scheme") || "",
      requestId: first(headers, "x-request-id") || getVar("messageid") || "",
      userAgent: first(headers, "user-agent") || "",
      timestampMs: getInt("client.received.start.timestamp") || now()
    };
  }

  function readResponse(msg) {
    var headers = readHeaders(msg, "response");
    return {
      kind: "response",
      status: getInt("response.status.code"),
      headers: headers,
      body: getVar("response.content"),
      contentType: first(headers, "content-type") || "",
      contentEncoding: first(headers, "content-encoding") || "",
      declaredLength: parseInt(first(headers, "content-length") || "0", 10) || 0,
      // The IP of the target that answered (Apigee flow variable, target response scope); null
      // when no target was called, e.g. a RaiseFault before routing.
      upstreamIp: getVar("target.ip") || "",
      query: "",
      method: "",
      path: ""
    };
  }

  function properties_() {
    return typeof properties === "undefined" ? null : properties;
  }

  // Fire-and-forget POST of a ReportBatch (notes/apigee.md §2: send without waitForComplete is
  // the supported way; waiting would hold a message-processor thread). Returns true when handed
  // to httpClient.
  function sendReport(cfg, batchJson) {
    if (!cfg.reportEnabled || !cfg.reportUrl || typeof httpClient === "undefined") return false;
    var token = getVar(Palisade.vars.GATEWAY_TOKEN);
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    var req = new Request(cfg.reportUrl, "POST", headers, JSON.stringify(batchJson));
    httpClient.send(req);
    return true;
  }

  return {
    getVar: getVar,
    getInt: getInt,
    setVar: setVar,
    readHeaders: readHeaders,
    readRequest: readRequest,
    readResponse: readResponse,
    properties: properties_,
    sendReport: sendReport,
    now: now
  };
})();
