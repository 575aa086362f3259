/* global PalisadeDetect */
// Cuts a field into segments (docs/detectors.md §2-3): decoded bytes `d`, the raw span of each
// decoded byte (`rs`, `re`; or, for a segment that is a plain copy of raw bytes, `base`: byte i
// came from raw[base + i]), the key the value sits under and its path (rawStart / rawEnd / pathOf
// read them). Walkers never throw: truncated or malformed input ends a walk early or degrades to
// text. Plain segments are cut with native slice and indexOf: Rhino's interpreter pays for every
// JavaScript operation, and most JSON strings have no escape.
PalisadeDetect.segments = (function () {
  "use strict";
  var B = PalisadeDetect.bytes;
  var MAX_DEPTH = 64;

  function seg(key, path) {
    return { d: [], rs: [], re: [], base: -1, key: key, path: path };
  }

  // raw[from, to) as it is.
  function plain(raw, from, to, key, path) {
    return { d: raw.slice(from, to), rs: null, re: null, base: from, key: key, path: path };
  }

  // Raw offset where decoded byte i starts, and where decoded byte i ends.
  function rawStart(s, i) {
    return s.base >= 0 ? s.base + i : s.rs[i];
  }
  function rawEnd(s, i) {
    return s.base >= 0 ? s.base + i + 1 : s.re[i];
  }

  function put(s, b, from, to) {
    s.d.push(b);
    s.rs.push(from);
    s.re.push(to);
  }

  function putCodePoint(s, cp, from, to) {
    if (cp < 0x80) put(s, cp, from, to);
    else if (cp < 0x800) {
      put(s, 0xc0 | (cp >> 6), from, to);
      put(s, 0x80 | (cp & 0x3f), from, to);
    } else if (cp < 0x10000) {
      put(s, 0xe0 | (cp >> 12), from, to);
      put(s, 0x80 | ((cp >> 6) & 0x3f), from, to);
      put(s, 0x80 | (cp & 0x3f), from, to);
    } else {
      put(s, 0xf0 | (cp >> 18), from, to);
      put(s, 0x80 | ((cp >> 12) & 0x3f), from, to);
      put(s, 0x80 | ((cp >> 6) & 0x3f), from, to);
      put(s, 0x80 | (cp & 0x3f), from, to);
    }
  }

  // Byte i of raw: an array of bytes, or an ASCII string (a JSON body scanned as it came, see
  // scan.js) whose char codes are its bytes.
  function byteAt(raw, i) {
    return typeof raw === "string" ? raw.charCodeAt(i) : raw[i];
  }

  function hexVal(c) {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 65 && c <= 70) return c - 55;
    if (c >= 97 && c <= 102) return c - 87;
    return -1;
  }

  function isWs(c) {
    return c === 32 || c === 9 || c === 13 || c === 10;
  }

  function identity(raw, from, to, key, path) {
    return plain(raw, from, to, key, path);
  }

  // ---- form / query ------------------------------------------------------------------------

  function percentDecode(raw, from, to, s) {
    var i = from;
    while (i < to) {
      var c = raw[i];
      if (c === 43) {
        put(s, 32, i, i + 1);
        i++;
      } else if (c === 37 && i + 2 < to && hexVal(raw[i + 1]) >= 0 && hexVal(raw[i + 2]) >= 0) {
        put(s, hexVal(raw[i + 1]) * 16 + hexVal(raw[i + 2]), i, i + 3);
        i += 3;
      } else {
        put(s, c, i, i + 1);
        i++;
      }
    }
    return s;
  }

  function walkForm(raw, n, emit) {
    var i = 0;
    while (i <= n) {
      var j = i;
      while (j < n && raw[j] !== 38) j++;
      if (j > i) {
        var eq = -1;
        for (var k = i; k < j; k++) {
          if (raw[k] === 61) {
            eq = k;
            break;
          }
        }
        var name = eq >= 0 ? percentDecode(raw, i, eq, seg(null, null)).d : [];
        var valueFrom = eq >= 0 ? eq + 1 : i;
        if (j > valueFrom) emit(percentDecode(raw, valueFrom, j, seg(name, name.length ? B.utf8Decode(name) : null)));
      }
      i = j + 1;
    }
  }

  // ---- JSON ----------------------------------------------------------------------------------

  var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  function pathPart(frame) {
    if (!frame.obj) return "[" + frame.index + "]";
    var name = typeof frame.cur === "string" ? frame.cur : B.utf8Decode(frame.cur);
    if (IDENT.test(name)) return "." + name;
    return "['" + name.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "']";
  }

  function jsonPath(stack) {
    var p = "$";
    for (var i = 0; i < stack.length; i++) p += pathPart(stack[i]);
    return p;
  }

  // What the path of a value depends on, kept cheaply (a frame's key bytes are never changed in
  // place): the path itself is spelled out only for a value with a finding (pathOf).
  function pathSnapshot(stack) {
    var out = [];
    for (var i = 0; i < stack.length; i++) out.push({ obj: stack[i].obj, cur: stack[i].cur, index: stack[i].index });
    return out;
  }

  function pathOf(s) {
    if (s.path === undefined) s.path = jsonPath(s.frames);
    return s.path;
  }

  function jsonKey(stack) {
    for (var i = stack.length - 1; i >= 0; i--) if (stack[i].obj) return stack[i].cur;
    return [];
  }

  // Decodes the JSON string whose opening quote is at `at` into `s`; returns the index after the
  // closing quote (or n for a truncated string).
  var SIMPLE = { 34: 34, 92: 92, 47: 47, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };

  function hex4(raw, at, n) {
    if (at + 4 > n) return -1;
    var v = 0;
    for (var i = at; i < at + 4; i++) {
      var h = hexVal(byteAt(raw, i));
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  function jsonString(raw, at, n, s) {
    var i = at + 1;
    while (i < n) {
      var c = byteAt(raw, i);
      if (c === 34) return i + 1;
      if (c !== 92 || i + 1 >= n) {
        put(s, c, i, i + 1);
        i++;
        continue;
      }
      var e = byteAt(raw, i + 1);
      if (Object.prototype.hasOwnProperty.call(SIMPLE, e)) {
        put(s, SIMPLE[e], i, i + 2);
        i += 2;
        continue;
      }
      var cp = e === 117 ? hex4(raw, i + 2, n) : -1;
      if (cp < 0) {
        put(s, 92, i, i + 1);
        i++;
        continue;
      }
      if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= n && byteAt(raw, i + 6) === 92 && byteAt(raw, i + 7) === 117) {
        var lo = hex4(raw, i + 8, n);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          putCodePoint(s, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00), i, i + 12);
          i += 12;
          continue;
        }
      }
      putCodePoint(s, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp, i, i + 6);
      i += 6;
    }
    return n;
  }

  // The JSON string whose opening quote is at `at`, when it has no escape and is closed: a plain
  // segment (found natively in `text`, raw as a string of char codes). Else null.
  function plainJsonString(raw, text, at, n, key, frames) {
    var q = text.indexOf('"', at + 1);
    if (q < 0 || q >= n) return null;
    var bs = text.indexOf("\\", at + 1);
    if (bs >= 0 && bs < q) return null;
    var s = plain(raw, at + 1, q, key, undefined);
    s.frames = frames;
    return s;
  }

  var JSON_DELIMITER = /[\t\n\r {}[\],:"]/g;

  function walkJson(raw, n, emit) {
    var ascii = typeof raw === "string";
    var text = ascii ? raw : B.charString(raw);
    var stack = [];
    var i = 0;
    // The token kinds in order of frequency in JSON (a string, then `,` and `:`), whitespace
    // inline: in Rhino every call and comparison of this loop is paid for each structural byte.
    while (i < n) {
      var c = ascii ? raw.charCodeAt(i) : raw[i];
      var top = stack.length ? stack[stack.length - 1] : null;
      if (c === 34) {
        var isKey = top && top.obj && top.expectKey;
        // The key a value sits under: the innermost object's current key.
        var key = isKey ? null : top !== null && top.obj ? top.cur : jsonKey(stack);
        var fast = plainJsonString(raw, text, i, n, key, isKey ? null : pathSnapshot(stack));
        var v = fast;
        if (fast === null) {
          v = isKey ? seg(null, null) : seg(key, jsonPath(stack));
          i = jsonString(raw, i, n, v);
        } else i += fast.d.length + 2;
        if (isKey) {
          top.cur = v.d;
          top.expectKey = false;
        } else if (v.d.length) emit(v);
      } else if (c === 44) {
        if (top) {
          if (top.obj) top.expectKey = true;
          else top.index++;
        }
        i++;
      } else if (c === 58) {
        if (top && top.obj) top.expectKey = false;
        i++;
      } else if (c === 123 || c === 91) {
        if (stack.length >= MAX_DEPTH) {
          emit(identity(raw, i, n, [], null));
          return;
        }
        stack.push({ obj: c === 123, cur: [], index: 0, expectKey: c === 123 });
        i++;
      } else if (c === 125 || c === 93) {
        if (stack.length) stack.pop();
        i++;
      } else if (c === 32 || c === 10 || c === 13 || c === 9) {
        i++;
      } else {
        JSON_DELIMITER.lastIndex = i;
        var m = JSON_DELIMITER.exec(text);
        var j = m === null || m.index > n ? n : m.index;
        if (c === 45 || (c >= 48 && c <= 57)) {
          var num = plain(raw, i, j, top !== null && top.obj ? top.cur : jsonKey(stack), undefined);
          num.frames = pathSnapshot(stack);
          emit(num);
        }
        i = j;
      }
    }
  }

  // ---- XML -----------------------------------------------------------------------------------

  var ENTITIES = [
    ["amp;", 38],
    ["lt;", 60],
    ["gt;", 62],
    ["quot;", 34],
    ["apos;", 39]
  ];

  function startsWith(raw, at, n, text) {
    if (at + text.length > n) return false;
    for (var i = 0; i < text.length; i++) if (raw[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  function indexOf(raw, from, n, text) {
    for (var i = from; i + text.length <= n; i++) if (startsWith(raw, i, n, text)) return i;
    return -1;
  }

  // Entity-decodes raw[from, to) into a new segment.
  function entityDecode(raw, from, to, key, path) {
    var s = seg(key, path);
    var i = from;
    while (i < to) {
      var c = raw[i];
      if (c !== 38) {
        put(s, c, i, i + 1);
        i++;
        continue;
      }
      var done = false;
      for (var e = 0; e < ENTITIES.length && !done; e++) {
        if (startsWith(raw, i + 1, to, ENTITIES[e][0])) {
          put(s, ENTITIES[e][1], i, i + 1 + ENTITIES[e][0].length);
          i += 1 + ENTITIES[e][0].length;
          done = true;
        }
      }
      if (!done && i + 1 < to && raw[i + 1] === 35) {
        var hex = i + 2 < to && (raw[i + 2] === 120 || raw[i + 2] === 88);
        var j = i + (hex ? 3 : 2);
        var v = 0;
        var digits = 0;
        while (j < to && digits <= 7) {
          var h = hexVal(raw[j]);
          if (h < 0 || (!hex && h > 9)) break;
          v = v * (hex ? 16 : 10) + h;
          digits++;
          j++;
        }
        if (digits >= 1 && digits <= 7 && j < to && raw[j] === 59 && v >= 1 && v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff)) {
          putCodePoint(s, v, i, j + 1);
          i = j + 1;
          done = true;
        }
      }
      if (!done) {
        put(s, 38, i, i + 1);
        i++;
      }
    }
    return s;
  }

  function localName(name) {
    var at = -1;
    for (var i = 0; i < name.length; i++) if (name[i] === 58) at = i;
    return at < 0 ? name : name.slice(at + 1);
  }

  function elementPath(stack) {
    var p = "";
    for (var i = 0; i < stack.length; i++) p += "/" + B.utf8Decode(stack[i]);
    return p;
  }

  function isNameStart(c) {
    return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
  }

  function walkXml(raw, n, emit) {
    var stack = [];
    var overflow = 0;
    var textFrom = 0;
    var i = 0;
    function text(to) {
      if (to <= textFrom) return;
      var top = stack.length ? stack[stack.length - 1] : null;
      var s = entityDecode(raw, textFrom, to, top ? localName(top) : [], top ? elementPath(stack) : null);
      for (var k = 0; k < s.d.length; k++) {
        if (!isWs(s.d[k])) {
          emit(s);
          return;
        }
      }
    }
    while (i < n) {
      if (raw[i] !== 60) {
        i++;
        continue;
      }
      var end;
      if (startsWith(raw, i, n, "<!--")) {
        text(i);
        end = indexOf(raw, i + 4, n, "-->");
        if (end < 0) return;
        i = textFrom = end + 3;
      } else if (startsWith(raw, i, n, "<![CDATA[")) {
        text(i);
        end = indexOf(raw, i + 9, n, "]]>");
        if (end < 0) return;
        var top = stack.length ? stack[stack.length - 1] : null;
        if (end > i + 9) emit(identity(raw, i + 9, end, top ? localName(top) : [], top ? elementPath(stack) : null));
        i = textFrom = end + 3;
      } else if (startsWith(raw, i, n, "<?")) {
        text(i);
        end = indexOf(raw, i + 2, n, "?>");
        if (end < 0) return;
        i = textFrom = end + 2;
      } else if (startsWith(raw, i, n, "<!") || startsWith(raw, i, n, "</")) {
        text(i);
        end = indexOf(raw, i + 2, n, ">");
        if (end < 0) return;
        if (raw[i + 1] === 47) {
          if (overflow > 0) overflow--;
          else if (stack.length) stack.pop();
        }
        i = textFrom = end + 1;
      } else if (i + 1 < n && isNameStart(raw[i + 1])) {
        text(i);
        var j = i + 1;
        while (j < n && !isWs(raw[j]) && raw[j] !== 47 && raw[j] !== 62) j++;
        if (j >= n) return;
        var name = raw.slice(i + 1, j);
        var path = elementPath(stack) + "/" + B.utf8Decode(name);
        var closed = false;
        var selfClosing = false;
        while (j < n && !closed) {
          var c = raw[j];
          if (isWs(c)) j++;
          else if (c === 62) {
            closed = true;
            j++;
          } else if (c === 47) {
            if (j + 1 < n && raw[j + 1] === 62) {
              closed = true;
              selfClosing = true;
              j += 2;
            } else j++;
          } else {
            var a = j;
            while (j < n && !isWs(raw[j]) && raw[j] !== 61 && raw[j] !== 62 && raw[j] !== 47) j++;
            if (j === a) {
              j++;
              continue;
            }
            var attr = raw.slice(a, j);
            while (j < n && isWs(raw[j])) j++;
            if (j < n && raw[j] === 61) {
              j++;
              while (j < n && isWs(raw[j])) j++;
              if (j < n && (raw[j] === 34 || raw[j] === 39)) {
                var q = raw[j];
                var close = j + 1;
                while (close < n && raw[close] !== q) close++;
                if (close >= n) return;
                var v = entityDecode(raw, j + 1, close, attr, path + "/@" + B.utf8Decode(attr));
                if (v.d.length) emit(v);
                j = close + 1;
              } else {
                while (j < n && !isWs(raw[j]) && raw[j] !== 62) j++;
              }
            }
          }
        }
        if (!closed) return;
        if (!selfClosing) {
          if (stack.length < MAX_DEPTH) stack.push(name);
          else overflow++;
        }
        i = textFrom = j;
      } else i++;
    }
    text(n);
  }

  // ---- CSV -----------------------------------------------------------------------------------

  // Reads the cell starting at `at` into `s` (quotes removed, `""` -> `"`); returns
  // { next: index after the cell, end: true when the record ends after it }.
  function csvCell(raw, at, n, s) {
    var i = at;
    if (i < n && raw[i] === 34) {
      i++;
      while (i < n) {
        if (raw[i] === 34) {
          if (i + 1 < n && raw[i + 1] === 34) {
            put(s, 34, i, i + 2);
            i += 2;
            continue;
          }
          i++;
          break;
        }
        put(s, raw[i], i, i + 1);
        i++;
      }
      while (i < n && raw[i] !== 44 && raw[i] !== 10) i++;
    } else {
      while (i < n && raw[i] !== 44 && raw[i] !== 10) {
        put(s, raw[i], i, i + 1);
        i++;
      }
      // A CR before the LF belongs to the line break, not to the cell.
      if (s.d.length && s.d[s.d.length - 1] === 13 && (i >= n || raw[i] === 10)) {
        s.d.pop();
        s.rs.pop();
        s.re.pop();
      }
    }
    if (i >= n) return { next: n, end: true };
    return { next: i + 1, end: raw[i] === 10 };
  }

  function walkCsv(raw, n, emit) {
    var header = [];
    var i = 0;
    var column = 0;
    var first = true;
    while (i < n) {
      var name = header[column] || [];
      var s = seg(name, name.length ? B.utf8Decode(name) : null);
      var r = csvCell(raw, i, n, s);
      if (first) header.push(s.d);
      else if (s.d.length) emit(s);
      column++;
      if (r.end) {
        column = 0;
        first = false;
      }
      i = r.next;
    }
  }

  // ---- fields --------------------------------------------------------------------------------

  function lower(s) {
    return String(s || "").toLowerCase();
  }

  function firstNonWs(raw, n) {
    for (var i = 0; i < n; i++) if (!isWs(byteAt(raw, i))) return byteAt(raw, i);
    return -1;
  }

  // Body mode (§2): "form", "json", "xml", "csv" or "text".
  function bodyMode(raw, n, contentType) {
    var ct = lower(contentType);
    var first = firstNonWs(raw, n);
    if (ct.indexOf("x-www-form-urlencoded") >= 0) return "form";
    if ((ct === "" || ct.indexOf("json") >= 0) && (first === 123 || first === 91)) return "json";
    if (ct.indexOf("xml") >= 0 && first === 60) return "xml";
    if (ct.indexOf("csv") >= 0) return "csv";
    return "text";
  }

  function walkBody(raw, n, contentType, emit) {
    var mode = bodyMode(raw, n, contentType);
    if (mode === "form") walkForm(raw, n, emit);
    else if (mode === "json") walkJson(raw, n, emit);
    else if (mode === "xml") walkXml(raw, n, emit);
    else if (mode === "csv") walkCsv(raw, n, emit);
    else if (n > 0) emit(identity(raw, 0, n, [], null));
  }

  function walkHeader(raw, nameBytes, emit) {
    if (raw.length) emit(identity(raw, 0, raw.length, nameBytes, null));
  }

  return {
    walkBody: walkBody,
    walkForm: walkForm,
    walkHeader: walkHeader,
    bodyMode: bodyMode,
    rawStart: rawStart,
    rawEnd: rawEnd,
    pathOf: pathOf
  };
})();
