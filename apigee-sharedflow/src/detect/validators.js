/* global PalisadeDetect */
// Validators (docs/detectors.md §5) over the decoded match bytes m[from, to).
PalisadeDetect.validators = (function () {
  "use strict";
  var B = PalisadeDetect.bytes;

  function digitsOf(m, from, to) {
    var d = [];
    for (var i = from; i < to; i++) if (m[i] >= 48 && m[i] <= 57) d.push(m[i] - 48);
    return d;
  }

  function allEqual(d) {
    for (var i = 1; i < d.length; i++) if (d[i] !== d[0]) return false;
    return true;
  }

  function luhn(d) {
    var sum = 0;
    for (var i = d.length - 1, k = 0; i >= 0; i--, k++) {
      var v = d[i];
      if (k % 2 === 1) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
    }
    return sum % 10 === 0;
  }

  function prefix(d, n) {
    var v = 0;
    for (var i = 0; i < n && i < d.length; i++) v = v * 10 + d[i];
    return v;
  }

  function card(m, from, to) {
    var d = digitsOf(m, from, to);
    var n = d.length;
    if (n < 12 || n > 19 || allEqual(d) || !luhn(d)) return false;
    var p1 = d[0];
    var p2 = prefix(d, 2);
    var p3 = prefix(d, 3);
    var p4 = prefix(d, 4);
    if (p1 === 4) return n === 13 || n === 16 || n === 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
    if (p2 === 34 || p2 === 37) return n === 15;
    if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return n >= 16;
    if (p4 >= 3528 && p4 <= 3589) return n >= 16;
    if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14;
    if (p2 === 62) return n >= 16;
    if (p2 === 50 || (p2 >= 56 && p2 <= 58) || p2 === 67) return true;
    return false;
  }

  function imei(m, from, to) {
    var d = digitsOf(m, from, to);
    return d.length === 15 && !allEqual(d) && luhn(d);
  }

  var IBAN_LENGTHS = {
    AD: 24,
    AE: 23,
    AL: 28,
    AT: 20,
    AZ: 28,
    BA: 20,
    BE: 16,
    BG: 22,
    BH: 22,
    BR: 29,
    CH: 21,
    CR: 22,
    CY: 28,
    CZ: 24,
    DE: 22,
    DK: 18,
    DO: 28,
    EE: 20,
    EG: 29,
    ES: 24,
    FI: 18,
    FO: 18,
    FR: 27,
    GB: 22,
    GE: 22,
    GI: 23,
    GL: 18,
    GR: 27,
    GT: 28,
    HR: 21,
    HU: 28,
    IE: 22,
    IL: 23,
    IS: 26,
    IT: 27,
    JO: 30,
    KW: 30,
    KZ: 20,
    LB: 28,
    LI: 21,
    LT: 20,
    LU: 20,
    LV: 21,
    MC: 27,
    MD: 24,
    ME: 22,
    MK: 19,
    MR: 27,
    MT: 31,
    MU: 30,
    NL: 18,
    NO: 15,
    PK: 24,
    PL: 28,
    PS: 29,
    PT: 25,
    QA: 29,
    RO: 24,
    RS: 22,
    SA: 24,
    SE: 24,
    SI: 19,
    SK: 24,
    SM: 27,
    TN: 24,
    TR: 26,
    UA: 29,
    VG: 24,
    XK: 20
  };

  function upper(c) {
    return c >= 97 && c <= 122 ? c - 32 : c;
  }

  function iban(m, from, to) {
    var c = [];
    for (var i = from; i < to; i++) {
      var b = m[i];
      if (b === 32) continue;
      b = upper(b);
      if (!((b >= 48 && b <= 57) || (b >= 65 && b <= 90))) return false;
      c.push(b);
    }
    if (c.length < 5 || c[0] < 65 || c[1] < 65 || c[2] > 57 || c[3] > 57) return false;
    var country = String.fromCharCode(c[0], c[1]);
    if (!Object.prototype.hasOwnProperty.call(IBAN_LENGTHS, country) || IBAN_LENGTHS[country] !== c.length) return false;
    var rem = 0;
    for (var k = 0; k < c.length; k++) {
      var ch = c[(k + 4) % c.length];
      if (ch <= 57) rem = (rem * 10 + (ch - 48)) % 97;
      else rem = (rem * 100 + (ch - 55)) % 97;
    }
    return rem === 1;
  }

  function ssn(m, from, to) {
    var d = digitsOf(m, from, to);
    if (d.length !== 9 || allEqual(d)) return false;
    var area = prefix(d, 3);
    var group = d[3] * 10 + d[4];
    var serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8];
    if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
    var all = d.join("");
    return all !== "078051120" && all !== "219099999" && all !== "123456789";
  }

  function aba(m, from, to) {
    var d = digitsOf(m, from, to);
    if (d.length !== 9) return false;
    var zero = true;
    for (var i = 0; i < 9; i++) if (d[i] !== 0) zero = false;
    if (zero) return false;
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
  }

  function iccid(m, from, to) {
    var d = digitsOf(m, from, to);
    return (d.length === 19 || d.length === 20) && d[0] === 8 && d[1] === 9 && luhn(d);
  }

  function imsi(m, from, to) {
    var d = digitsOf(m, from, to);
    return d.length === 15 && d[0] >= 2 && d[0] <= 7 && !allEqual(d);
  }

  function jwt(m, from, to) {
    var end = from;
    while (end < to && m[end] !== 46) end++;
    var clean = [];
    for (var i = from; i < end; i++) if (m[i] !== 61) clean.push(m[i]);
    var text = B.base64DecodeBytes(clean, 0, clean.length, true);
    if (text === null) return false;
    var p = 0;
    while (p < text.length && (text[p] === 32 || text[p] === 9 || text[p] === 10 || text[p] === 13)) p++;
    if (p >= text.length || text[p] !== 123) return false;
    for (var q = p; q + 5 <= text.length; q++) {
      if (text[q] === 34 && text[q + 1] === 97 && text[q + 2] === 108 && text[q + 3] === 103 && text[q + 4] === 34) return true;
    }
    return false;
  }

  function ipv4(m, from, to) {
    var parts = 0;
    var i = from;
    while (i <= to) {
      var start = i;
      var v = 0;
      while (i < to && m[i] >= 48 && m[i] <= 57) {
        v = v * 10 + (m[i] - 48);
        i++;
      }
      var len = i - start;
      if (len < 1 || len > 3 || v > 255 || (len > 1 && m[start] === 48)) return false;
      if (parts === 0 && v === 0) return false;
      parts++;
      if (i === to) break;
      if (m[i] !== 46) return false;
      i++;
    }
    return parts === 4;
  }

  function isLeap(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  }

  function dateExists(y, mo, d) {
    if (y < 1900 || y > 2025 || mo < 1 || mo > 12 || d < 1) return false;
    var days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return d <= days[mo - 1];
  }

  function datePast(m, from, to) {
    var groups = [];
    var lens = [];
    var i = from;
    while (i < to) {
      var v = 0;
      var s = i;
      while (i < to && m[i] >= 48 && m[i] <= 57) {
        v = v * 10 + (m[i] - 48);
        i++;
      }
      if (i === s) return false;
      groups.push(v);
      lens.push(i - s);
      if (i < to) {
        if (m[i] !== 45 && m[i] !== 47 && m[i] !== 46) return false;
        i++;
        if (i === to) return false;
      }
    }
    if (groups.length !== 3) return false;
    if (lens[0] === 4) return lens[1] <= 2 && lens[2] <= 2 && dateExists(groups[0], groups[1], groups[2]);
    if (lens[2] !== 4 || lens[0] > 2 || lens[1] > 2) return false;
    return dateExists(groups[2], groups[0], groups[1]) || dateExists(groups[2], groups[1], groups[0]);
  }

  function nanp(d, at) {
    return d[at] >= 2 && d[at + 3] >= 2;
  }

  function phone(m, from, to) {
    var d = digitsOf(m, from, to);
    var n = d.length;
    if (n === 0 || allEqual(d)) return false;
    if (m[from] === 43) return n >= 8 && n <= 15 && d[0] !== 0;
    if (d[0] === 0) return n === 10 || n === 11;
    if (n === 10) return nanp(d, 0);
    if (n === 11 && d[0] === 1) return nanp(d, 1);
    return false;
  }

  function basicAuth(m, from, to) {
    var i = from + 5;
    if (to - from < 6) return false;
    var word = "basic";
    for (var k = 0; k < 5; k++) {
      var c = m[from + k];
      if (c >= 65 && c <= 90) c += 32;
      if (c !== word.charCodeAt(k)) return false;
    }
    if (m[i] !== 32) return false;
    while (i < to && m[i] === 32) i++;
    var end = to;
    while (end > i && m[end - 1] === 61) end--;
    if (to - end > 2) return false;
    var text = B.base64DecodeBytes(m, i, end, false);
    if (text === null || text.length < 3 || text.length > 256) return false;
    var colon = -1;
    for (var j = 0; j < text.length; j++) {
      if (text[j] < 0x20 || text[j] > 0x7e) return false;
      if (text[j] === 58 && colon < 0) colon = j;
    }
    return colon >= 1 && colon < text.length - 1;
  }

  function entropy(m, from, to) {
    var n = to - from;
    var seen = {};
    var distinct = 0;
    var lower = 0;
    var up = 0;
    var digit = 0;
    for (var i = from; i < to; i++) {
      var c = m[i];
      if (!seen[c]) {
        seen[c] = true;
        distinct++;
      }
      if (c >= 97 && c <= 122) lower = 1;
      else if (c >= 65 && c <= 90) up = 1;
      else if (c >= 48 && c <= 57) digit = 1;
    }
    var need = Math.min(12, Math.floor(n / 2));
    return distinct >= need && lower + up + digit >= 2;
  }

  var BY_NAME = {
    VALIDATOR_CARD: card,
    VALIDATOR_IMEI: imei,
    VALIDATOR_IBAN: iban,
    VALIDATOR_US_SSN: ssn,
    VALIDATOR_ABA: aba,
    VALIDATOR_ICCID: iccid,
    VALIDATOR_IMSI: imsi,
    VALIDATOR_JWT: jwt,
    VALIDATOR_IPV4: ipv4,
    VALIDATOR_DATE_PAST: datePast,
    VALIDATOR_PHONE: phone,
    VALIDATOR_BASIC_AUTH: basicAuth,
    VALIDATOR_ENTROPY: entropy
  };
  var BY_NUMBER = [null, null, card, imei, iban, ssn, aba, iccid, imsi, jwt, ipv4, datePast, phone, basicAuth, entropy];

  // The validator named `v` (enum name or number) applied to m[from, to); NONE/unknown pass.
  function validate(v, m, from, to) {
    var f = typeof v === "number" ? BY_NUMBER[v] : BY_NAME[v];
    return f ? f(m, from, to) : true;
  }

  return { validate: validate, luhn: luhn };
})();
