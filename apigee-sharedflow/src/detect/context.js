/* global PalisadeDetect */
// Context scoring (docs/detectors.md §6): the key a value sits under, split into tokens, against
// the detector's key list; keywords in the raw bytes just before the match.
PalisadeDetect.context = (function () {
  "use strict";

  function isLower(c) {
    return c >= 97 && c <= 122;
  }
  function isUpper(c) {
    return c >= 65 && c <= 90;
  }
  function isDigit(c) {
    return c >= 48 && c <= 57;
  }

  // Key bytes -> lower-case tokens: split at every non-alphanumeric byte and before an upper-case
  // letter that follows a lower-case letter or a digit (`billingCardNumber` -> billing card number).
  function tokens(b) {
    var out = [];
    var cur = "";
    var prev = 0;
    for (var i = 0; i < b.length; i++) {
      var c = b[i];
      var alnum = isLower(c) || isUpper(c) || isDigit(c);
      if (!alnum) {
        if (cur) out.push(cur);
        cur = "";
      } else {
        if (isUpper(c) && cur && (isLower(prev) || isDigit(prev))) {
          out.push(cur);
          cur = "";
        }
        cur += String.fromCharCode(isUpper(c) ? c + 32 : c);
      }
      prev = c;
    }
    if (cur) out.push(cur);
    return out;
  }

  // The same tokens from a key given as a string of char codes 0-255 (its bytes), with a few
  // native calls: the byte loop above makes several calls per byte, and Rhino's interpreter pays
  // for each (a 4 KiB JSON body has dozens of distinct keys). Lower-casing leaves every byte
  // outside A-Z on the same side of [a-z0-9], so the separators are those of tokens().
  var CAMEL = /([a-z0-9])(?=[A-Z])/g;
  var SEPARATORS = /[^a-z0-9]+/;
  function textTokens(text) {
    var parts = text.replace(CAMEL, "$1 ").toLowerCase().split(SEPARATORS);
    var out = [];
    for (var i = 0; i < parts.length; i++) if (parts[i].length) out.push(parts[i]);
    return out;
  }

  function stringBytes(s) {
    var b = [];
    for (var i = 0; i < s.length; i++) b.push(s.charCodeAt(i) & 0xff);
    return b;
  }

  // Rule keys (stored lower case) -> token lists; rules without tokens never match.
  function ruleTokens(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var t = tokens(stringBytes(list[i]));
      if (t.length) out.push(t);
    }
    return out;
  }

  // True when one rule's token sequence occurs contiguously in keyTokens.
  function keyMatches(keyTokens, rules) {
    for (var r = 0; r < rules.length; r++) {
      var rule = rules[r];
      for (var s = 0; s + rule.length <= keyTokens.length; s++) {
        var ok = true;
        for (var j = 0; ok && j < rule.length; j++) if (keyTokens[s + j] !== rule[j]) ok = false;
        if (ok) return true;
      }
    }
    return false;
  }

  function isAlnum(c) {
    return isLower(c) || isUpper(c) || isDigit(c);
  }

  // True when one keyword (lower-case ASCII) occurs in raw[from, to), compared case-insensitively,
  // starting a word: the byte before it (looked up in the whole field) is not a letter or digit,
  // so `tel` is not found in `Patel` nor `order` in `reorder`. raw: an array of bytes, or an
  // ASCII string (its char codes are its bytes), searched natively (keywordInText).
  function keywordIn(raw, from, to, words) {
    if (typeof raw === "string") return keywordInText(raw, from, to, words);
    for (var w = 0; w < words.length; w++) {
      var word = words[w];
      var len = word.length;
      if (len === 0) continue;
      for (var p = from; p + len <= to; p++) {
        if (p > 0 && isAlnum(raw[p - 1]) && isAlnum(word.charCodeAt(0))) continue;
        var j = 0;
        while (j < len) {
          var c = raw[p + j];
          if (isUpper(c)) c += 32;
          if (c !== word.charCodeAt(j)) break;
          j++;
        }
        if (j === len) return true;
      }
    }
    return false;
  }

  // keywordIn over an ASCII string: the window (and the byte before it) lower-cased once, each
  // keyword found with indexOf. A window can be a few hundred bytes and a context check runs
  // up to three of them: a call per byte was most of a candidate's cost in Rhino.
  function keywordInText(raw, from, to, words) {
    var shift = from > 0 ? from - 1 : 0;
    var window = raw.substring(shift, to > shift ? to : shift).toLowerCase();
    for (var w = 0; w < words.length; w++) {
      var word = words[w];
      var len = word.length;
      if (len === 0) continue;
      var startsAlnum = isAlnum(word.charCodeAt(0));
      var p = window.indexOf(word, from - shift);
      while (p >= 0 && p + len <= window.length) {
        if (!(p > 0 && startsAlnum && isAlnum(window.charCodeAt(p - 1)))) return true;
        p = window.indexOf(word, p + 1);
      }
    }
    return false;
  }

  return { tokens: tokens, textTokens: textTokens, ruleTokens: ruleTokens, keyMatches: keyMatches, keywordIn: keywordIn };
})();
