// Text helpers the policy needs and ES5 lacks (Apigee runs Rhino 1.7.12/1.7.13: no
// String.prototype.startsWith, no TextEncoder). Offsets in findings are UTF-8 byte offsets into the
// field as sent (rules.proto Location), while Rhino strings are UTF-16, so conversions live here.
/* eslint no-unused-vars: ["error", { "caughtErrors": "none" }] -- ES5 has no optional catch binding */
var Palisade = Palisade || {};

Palisade.text = (function () {
  "use strict";

  // Apigee returns Java-backed strings from context.getVariable: typeof may be "object" and
  // === against a JS string fails (notes/apigee.md §2). Every value read from the host goes
  // through here. null/undefined stay null.
  function str(value) {
    if (value === null || value === undefined) return null;
    return String(value);
  }

  function startsWith(s, prefix) {
    return s.length >= prefix.length && s.substring(0, prefix.length) === prefix;
  }

  function endsWith(s, suffix) {
    return s.length >= suffix.length && s.substring(s.length - suffix.length) === suffix;
  }

  // Bytes the UTF-16 code unit at i (and its pair) takes in UTF-8; lone surrogates count 3
  // (encoded as U+FFFD, the replacement the wire would carry).
  function unitBytes(s, i) {
    var c = s.charCodeAt(i);
    if (c < 0x80) return 1;
    if (c < 0x800) return 2;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return 4;
    }
    return 3;
  }

  function isPairStart(s, i) {
    var c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) return false;
    var d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff;
  }

  // Anything but printable ASCII and the usual whitespace: those texts take the exact loop.
  var NOT_PLAIN_ASCII = /[^\t\n\r -~]/;

  // The UTF-8 encoding of s as a string of char codes 0-255, made natively (encodeURIComponent
  // then unescape, both ES5 built-ins), or null when s holds a lone surrogate, which
  // encodeURIComponent refuses: the callers then take their loop. A loop per unit over a large
  // body costs seconds in a cold interpreted Rhino, before the inspection's time budget is first
  // looked at (src/detect/deadline.js).
  function utf8Binary(s) {
    try {
      return unescape(encodeURIComponent(s));
    } catch (e) {
      return null;
    }
  }

  function utf8Length(s) {
    // ASCII text (most bodies): one byte per unit, found natively instead of a loop per unit.
    if (!NOT_PLAIN_ASCII.test(s)) return s.length;
    var binary = utf8Binary(s);
    if (binary !== null) return binary.length;
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      n += unitBytes(s, i);
      if (isPairStart(s, i)) i++;
    }
    return n;
  }

  // The longest prefix of s whose UTF-8 encoding fits in maxBytes, never splitting a pair.
  function truncateUtf8(s, maxBytes) {
    if (s.length * 3 <= maxBytes) return s;
    // The prefix found natively (see utf8Binary): cut the bytes, back to the start of the
    // character the cut falls in (a pair is one 4-byte character, so it is never split).
    if (!NOT_PLAIN_ASCII.test(s)) return s.length <= maxBytes ? s : s.substring(0, maxBytes);
    var binary = utf8Binary(s);
    if (binary !== null) {
      if (binary.length <= maxBytes) return s;
      var cut = maxBytes;
      while (cut > 0 && (binary.charCodeAt(cut) & 0xc0) === 0x80) cut--;
      return decodeURIComponent(escape(binary.substring(0, cut)));
    }
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var b = unitBytes(s, i);
      if (n + b > maxBytes) return s.substring(0, i);
      n += b;
      if (isPairStart(s, i)) i++;
    }
    return s;
  }

  // Maps UTF-8 byte offsets to UTF-16 indexes in one pass. `offsets` must be sorted ascending;
  // an offset inside a multi-byte character maps to the next character boundary.
  function utf16Indexes(s, offsets) {
    var out = [];
    if (!NOT_PLAIN_ASCII.test(s)) {
      // ASCII: byte offsets are indexes (no loop over the body up to the last offset).
      for (var a = 0; a < offsets.length; a++) out.push(offsets[a] < s.length ? offsets[a] : s.length);
      return out;
    }
    var byteAt = 0;
    var k = 0;
    for (var i = 0; i <= s.length && k < offsets.length;) {
      while (k < offsets.length && offsets[k] <= byteAt) {
        out.push(i);
        k++;
      }
      if (i === s.length) break;
      byteAt += unitBytes(s, i);
      i += isPairStart(s, i) ? 2 : 1;
    }
    while (k < offsets.length) {
      out.push(s.length);
      k++;
    }
    return out;
  }

  function trim(s) {
    return s.replace(/^\s+|\s+$/g, "");
  }

  return {
    str: str,
    startsWith: startsWith,
    endsWith: endsWith,
    utf8Length: utf8Length,
    truncateUtf8: truncateUtf8,
    utf16Indexes: utf16Indexes,
    trim: trim
  };
})();
