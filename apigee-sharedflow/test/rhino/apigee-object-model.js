// An Apigee-like JavaScript object model for tests, the same file in Rhino and in Node (vm).
// Written from notes/apigee.md §2-3: context.getVariable / setVariable over flow variables (unset
// → null; strings come back as Java-ish string objects where Apigee returns java.lang.String, so
// `===` against a JS string fails as it does on Apigee), message objects `request` / `response`
// whose headers map names to array-like value lists with a `length()` METHOD, `content`,
// `method`, `status`, `httpClient.send` that records and never completes (waitForComplete throws:
// the policy must never wait), `Request`, `print`, `properties`.
//
// state (plain JSON, also what the test reads back):
//   { variables: { name: value }, properties: { name: string },
//     request: { verb, path, querystring, headers: [[name, value], ...], content, clientIp },
//     response: null | { status, headers: [[name, value], ...], content },
//     sent: [], printed: [] }
// javaString(s) wraps a JS string the way the runtime's host would (Rhino: java.lang.String).
/* exported ApigeeObjectModel */
var ApigeeObjectModel = (function () {
  "use strict";

  function lower(s) {
    return String(s).toLowerCase();
  }

  function headerValues(headers, name) {
    var out = [];
    for (var i = 0; i < headers.length; i++) if (lower(headers[i][0]) === lower(name)) out.push(String(headers[i][1]));
    return out;
  }

  function setHeader(headers, name, value) {
    for (var i = headers.length - 1; i >= 0; i--) if (lower(headers[i][0]) === lower(name)) headers.splice(i, 1);
    headers.push([String(name), String(value)]);
  }

  // Apigee's header value list: index access plus length() as a method.
  function valueList(values) {
    var list = {};
    for (var i = 0; i < values.length; i++) list[i] = values[i];
    list.length = function () {
      return values.length;
    };
    return list;
  }

  function headersObject(headers) {
    var obj = {};
    var seen = {};
    for (var i = 0; i < headers.length; i++) {
      var name = String(headers[i][0]);
      if (seen[lower(name)]) continue;
      seen[lower(name)] = true;
      obj[name] = valueList(headerValues(headers, name));
    }
    return obj;
  }

  function messageObject(msg, isRequest) {
    var m = {
      headers: headersObject(msg.headers),
      content: msg.content === undefined ? null : msg.content
    };
    if (isRequest) {
      m.method = msg.verb;
      m.url =
        "https://" + (headerValues(msg.headers, "host")[0] || "localhost") + msg.path + (msg.querystring ? "?" + msg.querystring : "");
    } else {
      m.status = msg.status;
    }
    return m;
  }

  function create(state, javaString) {
    var vars = state.variables;
    var req = state.request;
    var res = state.response;

    function wrap(v) {
      if (v === null || v === undefined) return null;
      return typeof v === "string" ? javaString(v) : v;
    }

    function messageVariable(prefix, msg, rest) {
      if (!msg) return null;
      if (rest === "content") return msg.content === undefined || msg.content === null ? null : wrap(String(msg.content));
      if (rest === "headers.names") {
        var names = [];
        var seen = {};
        for (var i = 0; i < msg.headers.length; i++) {
          var n = String(msg.headers[i][0]);
          if (!seen[lower(n)]) names.push(n);
          seen[lower(n)] = true;
        }
        return javaString("[" + names.join(", ") + "]"); // a java.util.Set's toString
      }
      if (rest.substring(0, 7) === "header.") {
        var h = rest.substring(7);
        if (/\.values\.count$/.test(h)) return headerValues(msg.headers, h.replace(/\.values\.count$/, "")).length;
        var values = headerValues(msg.headers, h);
        return values.length ? wrap(values[0]) : null;
      }
      if (prefix === "request") {
        if (rest === "verb") return wrap(msg.verb);
        if (rest === "path") return wrap(msg.path);
        if (rest === "querystring") return wrap(msg.querystring || "");
        if (rest === "uri") return wrap(msg.path + (msg.querystring ? "?" + msg.querystring : ""));
      } else if (rest === "status.code") {
        return msg.status;
      }
      return undefined;
    }

    var context = {
      getVariable: function (name) {
        name = String(name);
        var m = /^(request|response)\.(.*)$/.exec(name);
        if (m) {
          var v = messageVariable(m[1], m[1] === "request" ? req : res, m[2]);
          if (v !== undefined) return v;
        }
        if (name === "client.ip") return wrap(req.clientIp || null);
        var callout = /^(\w+)\.(status\.code|content|header\.(.+))$/.exec(name);
        if (callout && vars[callout[1]] && typeof vars[callout[1]] === "object") {
          var r = vars[callout[1]];
          if (callout[2] === "status.code") return r.status;
          if (callout[2] === "content") return wrap(r.content);
          var hv = headerValues(r.headers || [], callout[3]);
          return hv.length ? wrap(hv[0]) : null;
        }
        return Object.prototype.hasOwnProperty.call(vars, name) ? wrap(vars[name]) : null;
      },
      setVariable: function (name, value) {
        name = String(name);
        var plain = value === null || value === undefined || typeof value !== "object" ? value : String(value);
        if (name === "response.content" && res) res.content = plain === null ? null : String(plain);
        else if (name === "response.status.code" && res) res.status = parseInt(plain, 10);
        else if (/^response\.header\./.test(name) && res) setHeader(res.headers, name.substring(16), plain);
        else if (name === "request.content") req.content = String(plain);
        else vars[name] = plain;
      },
      removeVariable: function (name) {
        delete vars[String(name)];
      },
      flow: res ? "PROXY_RESP_FLOW" : "PROXY_REQ_FLOW",
      session: {}
    };

    function Request(url, method, headers, body) {
      this.url = url;
      this.method = method || "GET";
      this.headers = headers || {};
      this.body = body;
    }

    var httpClient = {
      send: function (request, callback) {
        var copy = {
          url: String(request.url),
          method: String(request.method),
          headers: {},
          body: request.body === undefined ? null : String(request.body),
          waited: false,
          callback: typeof callback === "function"
        };
        for (var k in request.headers)
          if (Object.prototype.hasOwnProperty.call(request.headers, k)) copy.headers[k] = String(request.headers[k]);
        state.sent.push(copy);
        return {
          isComplete: function () {
            return false;
          },
          isSuccess: function () {
            return false;
          },
          waitForComplete: function () {
            copy.waited = true;
            throw new Error("waitForComplete called: it blocks a message-processor thread (notes/apigee.md §2)");
          },
          getResponse: function () {
            return null;
          }
        };
      },
      get: function (url, callback) {
        return httpClient.send(new Request(url, "GET", {}, null), callback);
      }
    };

    var properties = {};
    for (var p in state.properties)
      if (Object.prototype.hasOwnProperty.call(state.properties, p)) properties[p] = String(state.properties[p]);

    return {
      context: context,
      request: messageObject(req, true),
      response: res ? messageObject(res, false) : undefined,
      httpClient: httpClient,
      Request: Request,
      properties: properties,
      print: function () {
        var parts = [];
        for (var i = 0; i < arguments.length; i++) parts.push(String(arguments[i]));
        state.printed.push(parts.join(" "));
      }
    };
  }

  return { create: create };
})();
