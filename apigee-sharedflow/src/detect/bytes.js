// PalisadeDetect: the ES5 detection engine for the Apigee policy (Rhino). It runs the compiled
// RuleSet tables exactly as docs/detectors.md specifies, so it reports the same findings as the
// AssemblyScript scanner in the filter for the same bytes (test/vectors/detect/ proves it).
// ES5 only: no let/const, arrows, template strings, classes or post-ES5 built-ins.
//
// Byte helpers: UTF-8 encoding of JS strings (offsets are UTF-8 byte offsets on the wire),
// UTF-8 decoding for paths and keys, base64 for the RuleSet's bytes fields and validators.
var PalisadeDetect = PalisadeDetect || {};

PalisadeDetect.bytes = (function () {
  "use strict";

  // JS string -> array of UTF-8 bytes. Lone surrogates become U+FFFD, as TextEncoder does.
  function utf8Encode(s) {
    var out = [];
    var n = s.length;
    for (var i = 0; i < n; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) {
        out.push(c);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        var lo = s.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
    return out;
  }

  // Bytes [from, to) -> JS string; invalid sequences become U+FFFD (one per bad byte).
  function utf8Decode(b, from, to) {
    var s = "";
    var i = from === undefined ? 0 : from;
    var end = to === undefined ? b.length : to;
    while (i < end) {
      var c = b[i];
      var need, cp, min;
      if (c < 0x80) {
        s += String.fromCharCode(c);
        i++;
        continue;
      } else if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
      } else {
        s += "\ufffd";
        i++;
        continue;
      }
      var ok = true;
      for (var j = 1; ok && j <= need; j++) {
        if (i + j >= end || (b[i + j] & 0xc0) !== 0x80) ok = false;
        else cp = (cp << 6) | (b[i + j] & 0x3f);
      }
      if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        s += "\ufffd";
        i++;
        continue;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else s += String.fromCharCode(cp);
      i += need + 1;
    }
    return s;
  }

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var STD = [];
  var URL = [];
  (function () {
    for (var i = 0; i < 256; i++) {
      STD.push(-1);
      URL.push(-1);
    }
    for (var k = 0; k < 64; k++) {
      STD[B64.charCodeAt(k)] = k;
      URL[k === 62 ? 45 : k === 63 ? 95 : B64.charCodeAt(k)] = k;
    }
  })();

  // Decodes base64 bytes b[from, to) with `alphabet` (STD or URL) after the caller removed
  // padding. Returns an array of bytes, or null when a byte is outside the alphabet or the
  // length leaves a single dangling character.
  function base64DecodeBytes(b, from, to, url) {
    var table = url ? URL : STD;
    var n = to - from;
    if (n % 4 === 1) return null;
    var out = [];
    var acc = 0;
    var bits = 0;
    for (var i = from; i < to; i++) {
      var v = table[b[i]];
      if (v < 0) return null;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 0xff);
      }
    }
    return out;
  }

  // Base64 text (standard alphabet, optional padding) -> bytes; used for RuleSet bytes fields.
  // Straight from the string, four characters at a time: the built-in rules carry ~50 KB of table
  // bytes that every Apigee execution decodes again (fresh scope), in Rhino's interpreter.
  function base64ToBytes(text) {
    var end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
    if (end % 4 === 1) return null;
    // The canonical JSON mapping accepts URL-safe input too.
    var url = text.indexOf("-") >= 0 || text.indexOf("_") >= 0;
    var table = url ? URL : STD;
    var out = [];
    var o = 0;
    var full = end - (end % 4);
    var i = 0;
    for (; i < full; i += 4) {
      var a = table[text.charCodeAt(i) & 0xff];
      var b = table[text.charCodeAt(i + 1) & 0xff];
      var c = table[text.charCodeAt(i + 2) & 0xff];
      var d = table[text.charCodeAt(i + 3) & 0xff];
      if ((a | b | c | d) < 0) return null;
      var v = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = (v >> 16) & 0xff;
      out[o++] = (v >> 8) & 0xff;
      out[o++] = v & 0xff;
    }
    if (i < end) {
      // two or three characters left: one or two bytes.
      var rest = [];
      for (var j = i; j < end; j++) rest.push(text.charCodeAt(j) & 0xff);
      var tail = base64DecodeBytes(rest, 0, rest.length, url);
      if (tail === null) return null;
      for (var t = 0; t < tail.length; t++) out[o++] = tail[t];
    }
    return out;
  }

  // Bytes -> a string of the same char codes (0-255), for native RegExp and indexOf; in slices,
  // so that no call gets more arguments than a JVM method handles comfortably.
  function charString(b) {
    if (b.length <= 4096) return String.fromCharCode.apply(null, b);
    var parts = [];
    for (var i = 0; i < b.length; i += 4096) parts.push(String.fromCharCode.apply(null, b.slice(i, i + 4096)));
    return parts.join("");
  }

  return {
    charString: charString,
    utf8Encode: utf8Encode,
    utf8Decode: utf8Decode,
    base64DecodeBytes: base64DecodeBytes,
    base64ToBytes: base64ToBytes
  };
})();
