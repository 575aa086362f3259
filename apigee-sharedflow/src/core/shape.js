// Body shapes and parameter types for the inventory (telemetry.proto FieldShape, BodyShape,
// Parameter): paths and JSON types, never values, except as value-hash.js allows: `note`, when
// given, adds the keyed hash of a field's first token-like value (and the value once released).
// Bounded by `maxFields`.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.shape = (function () {
  "use strict";

  var FORMATS = [
    ["date-time", /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/],
    ["date", /^\d{4}-\d{2}-\d{2}$/],
    ["email", /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/],
    ["uuid", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/],
    ["ipv4", /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/],
    ["ipv6", /^[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/],
    ["uri", /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/]
  ];

  function formatOf(s) {
    if (s.length > 256) return "";
    for (var i = 0; i < FORMATS.length; i++) if (FORMATS[i][1].test(s)) return FORMATS[i][0];
    return "";
  }

  function jsonType(v) {
    if (v === null) return "JSON_TYPE_NULL";
    if (typeof v === "boolean") return "JSON_TYPE_BOOLEAN";
    if (typeof v === "number") return v === Math.floor(v) ? "JSON_TYPE_INTEGER" : "JSON_TYPE_NUMBER";
    if (typeof v === "string") return "JSON_TYPE_STRING";
    if (Object.prototype.toString.call(v) === "[object Array]") return "JSON_TYPE_ARRAY";
    return "JSON_TYPE_OBJECT";
  }

  // The type a raw text value (query, header, form) looks like.
  function textType(s) {
    if (/^-?\d{1,18}$/.test(s)) return "JSON_TYPE_INTEGER";
    if (/^-?\d+\.\d+([eE][+-]?\d+)?$/.test(s)) return "JSON_TYPE_NUMBER";
    if (s === "true" || s === "false") return "JSON_TYPE_BOOLEAN";
    return "JSON_TYPE_STRING";
  }

  // Values walked between two looks at the clock (a look costs an object and a native call).
  var BUDGET_EVERY = 16;

  function never() {
    return false;
  }

  function safeKey(k) {
    return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(k) ? "." + k : "['" + k.replace(/'/g, "\\'") + "']";
  }

  // Walks a parsed JSON value breadth-first; arrays contribute `[]` (elements share one path).
  // Stops when overBudget() says so (asked every BUDGET_EVERY values): what was not walked counts
  // as one dropped field, so the event does not pass a partial shape off as whole.
  function jsonFields(root, maxFields, overBudget, note) {
    var fields = [];
    var seen = {};
    var dropped = 0;
    var queue = [{ path: "$", value: root }];
    for (var q = 0; q < queue.length; q++) {
      if (q % BUDGET_EVERY === BUDGET_EVERY - 1 && overBudget()) return { fields: fields, dropped: dropped + 1 };
      var item = queue[q];
      var v = item.value;
      var children = [];
      if (Object.prototype.toString.call(v) === "[object Array]") {
        for (var i = 0; i < v.length && i < 50; i++) children.push({ path: item.path + "[]", value: v[i] });
      } else if (v !== null && typeof v === "object") {
        for (var key in v)
          if (Object.prototype.hasOwnProperty.call(v, key)) children.push({ path: item.path + safeKey(key), value: v[key] });
      }
      for (var c = 0; c < children.length; c++) {
        var child = children[c];
        var type = jsonType(child.value);
        var id = child.path + "|" + type;
        if (seen[id]) {
          if (type === "JSON_TYPE_OBJECT" || type === "JSON_TYPE_ARRAY") queue.push(child);
          continue;
        }
        if (fields.length >= maxFields) {
          dropped++;
          continue;
        }
        seen[id] = true;
        var field = { path: child.path, type: type, format: type === "JSON_TYPE_STRING" ? formatOf(child.value) : "" };
        fields.push(field);
        // Breadth-first visits one path's values in document order: this is its first value.
        if (note && type === "JSON_TYPE_STRING" && field.format === "") note(field, child.path, child.value);
        if (type === "JSON_TYPE_OBJECT" || type === "JSON_TYPE_ARRAY") queue.push(child);
      }
    }
    return { fields: fields, dropped: dropped };
  }

  function formFields(body, maxFields, overBudget, note) {
    var fields = [];
    var dropped = 0;
    var pairs = body.split("&");
    for (var i = 0; i < pairs.length; i++) {
      if (i % BUDGET_EVERY === BUDGET_EVERY - 1 && overBudget()) return { fields: fields, dropped: dropped + 1 };
      if (pairs[i].length === 0) continue;
      var eq = pairs[i].indexOf("=");
      var name = decode(eq < 0 ? pairs[i] : pairs[i].substring(0, eq));
      var value = eq < 0 ? "" : decode(pairs[i].substring(eq + 1));
      if (fields.length >= maxFields) {
        dropped++;
        continue;
      }
      var type = textType(value);
      var field = { path: "$" + safeKey(name), type: type, format: type === "JSON_TYPE_STRING" ? formatOf(value) : "" };
      fields.push(field);
      if (note && type === "JSON_TYPE_STRING" && field.format === "") note(field, field.path, value);
    }
    return { fields: fields, dropped: dropped };
  }

  function decode(s) {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch (e) {
      return s;
    }
  }

  // BodyShape for an inspected body. `mediaType` is lower case without parameters.
  // overBudget: () -> boolean, whether the inspection's time budget is spent (optional).
  // note: value-hash.js hasher for the body's location (optional).
  function bodyShape(mediaType, body, truncated, maxFields, overBudget, note) {
    var spent = overBudget || never;
    var shape = { contentType: mediaType, fields: [], truncated: truncated, fieldsDropped: 0, notInspectedReason: "" };
    var result = null;
    if (/json/.test(mediaType)) {
      try {
        result = jsonFields(JSON.parse(body), maxFields, spent, note);
      } catch (e) {
        result = null; // Not JSON after all, or cut by the inspection limit: no shape, still scanned.
      }
    } else if (mediaType === "application/x-www-form-urlencoded") {
      result = formFields(body, maxFields, spent, note);
    }
    if (result) {
      shape.fields = result.fields;
      shape.fieldsDropped = result.dropped;
    }
    return shape;
  }

  // Parameters (names + inferred types) of the query string and the headers; note: value-hash.js
  // hasher for query values (optional).
  function parameters(query, headers, maxFields, note) {
    var params = [];
    var seen = {};
    if (query) {
      var pairs = query.split("&");
      for (var i = 0; i < pairs.length && params.length < maxFields; i++) {
        if (pairs[i].length === 0) continue;
        var eq = pairs[i].indexOf("=");
        var name = decode(eq < 0 ? pairs[i] : pairs[i].substring(0, eq));
        if (seen["q:" + name]) continue;
        seen["q:" + name] = true;
        var value = eq < 0 ? "" : decode(pairs[i].substring(eq + 1));
        var t = textType(value);
        var param = { name: name, in: "FIELD_KIND_QUERY", type: t, format: t === "JSON_TYPE_STRING" ? formatOf(value) : "" };
        params.push(param);
        if (note && t === "JSON_TYPE_STRING" && param.format === "") note(param, name, value);
      }
    }
    for (var h in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, h) || params.length >= maxFields) continue;
      var hv = headers[h].length > 0 ? String(headers[h][0]) : "";
      var ht = textType(hv);
      params.push({ name: h, in: "FIELD_KIND_HEADER", type: ht, format: ht === "JSON_TYPE_STRING" ? formatOf(hv) : "" });
    }
    return params;
  }

  return { bodyShape: bodyShape, parameters: parameters, jsonFields: jsonFields };
})();
