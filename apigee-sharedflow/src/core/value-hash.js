// Value hashes for "Enums from runtime" (docs/posture.md), as the Envoy filter computes them
// (wasm-filter/assembly/telemetry/value-hash.ts; shared vectors in test/vectors/value-hash/): for a
// field's first string value that is token-like (1-32 bytes of `A-Z a-z 0-9 _ . : -`) and has no
// recognised format, FieldShape/Parameter.value_hash is SipHash-2-4 under the deployment's hash key
// over `location byte, field path, 0x00, value` (location `q` query, `i` request, `o` response).
// The literal value goes along only when the rules in force release that hash for the exchange's
// endpoint (RuleSet.value_releases). No hash at all without a hash key, or under the all-zero key.
//
// ES5 for Rhino: no BigInt, no typed arrays. A 64-bit word is two unsigned 32-bit halves (hi, lo)
// held in plain numbers; the SipHash state lives in one array of eight of them between rounds.
var Palisade = Palisade || {};

Palisade.valueHash = (function () {
  "use strict";

  var TOKEN = /^[A-Za-z0-9_.:-]{1,32}$/;
  var NOT_ASCII = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex -- the ASCII range, NUL included
  var LOCATION = { query: 0x71, request: 0x69, response: 0x6f };
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  // Hash key from 32 hex digits: [k0 hi, k0 lo, k1 hi, k1 lo] (k0, k1 = bytes 0-7 and 8-15,
  // little-endian); null when absent, malformed or all zero (values are then never hashed).
  function keyOf(hex) {
    if (typeof hex !== "string" || !/^[0-9a-fA-F]{32}$/.test(hex)) return null;
    var w = [];
    for (var i = 0; i < 4; i++) {
      var word = 0;
      for (var b = 3; b >= 0; b--) word = word * 256 + parseInt(hex.substr((i * 4 + b) * 2, 2), 16);
      w.push(word);
    }
    if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0) return null;
    return [w[1], w[0], w[3], w[2]];
  }

  // `n` SipRounds over the state v (v[2i], v[2i+1]: the hi and lo halves of v_i), in locals and
  // written out: in an interpreted Rhino a call per 64-bit operation cost more than the arithmetic.
  // Adds carry from the low halves (their sum is exact in a double); rotations by 32 swap halves.
  function rounds(v, n) {
    var v0h = v[0],
      v0l = v[1],
      v1h = v[2],
      v1l = v[3],
      v2h = v[4],
      v2l = v[5],
      v3h = v[6],
      v3l = v[7];
    var t, lo;
    for (var r = 0; r < n; r++) {
      lo = v0l + v1l; // v0 += v1
      v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      v0l = lo >>> 0;
      t = v1h; // v1 = rotl(v1, 13) ^ v0
      v1h = (((v1h << 13) | (v1l >>> 19)) ^ v0h) >>> 0;
      v1l = (((v1l << 13) | (t >>> 19)) ^ v0l) >>> 0;
      t = v0h; // v0 = rotl(v0, 32)
      v0h = v0l;
      v0l = t;
      lo = v2l + v3l; // v2 += v3
      v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      v2l = lo >>> 0;
      t = v3h; // v3 = rotl(v3, 16) ^ v2
      v3h = (((v3h << 16) | (v3l >>> 16)) ^ v2h) >>> 0;
      v3l = (((v3l << 16) | (t >>> 16)) ^ v2l) >>> 0;
      lo = v0l + v3l; // v0 += v3
      v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      v0l = lo >>> 0;
      t = v3h; // v3 = rotl(v3, 21) ^ v0
      v3h = (((v3h << 21) | (v3l >>> 11)) ^ v0h) >>> 0;
      v3l = (((v3l << 21) | (t >>> 11)) ^ v0l) >>> 0;
      lo = v2l + v1l; // v2 += v1
      v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      v2l = lo >>> 0;
      t = v1h; // v1 = rotl(v1, 17) ^ v2
      v1h = (((v1h << 17) | (v1l >>> 15)) ^ v2h) >>> 0;
      v1l = (((v1l << 17) | (t >>> 15)) ^ v2l) >>> 0;
      t = v2h; // v2 = rotl(v2, 32)
      v2h = v2l;
      v2l = t;
    }
    v[0] = v0h;
    v[1] = v0l;
    v[2] = v1h;
    v[3] = v1l;
    v[4] = v2h;
    v[5] = v2l;
    v[6] = v3h;
    v[7] = v3l;
  }

  // Compresses one message block m (hi, lo halves) with `rounds` SipRounds.
  function block(v, hi, lo, n) {
    v[6] = (v[6] ^ hi) >>> 0;
    v[7] = (v[7] ^ lo) >>> 0;
    rounds(v, n);
    v[0] = (v[0] ^ hi) >>> 0;
    v[1] = (v[1] ^ lo) >>> 0;
  }

  function word(bytes, at) {
    return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  }

  // SipHash-2-4 of a byte list under key (keyOf) as its 8 little-endian bytes.
  function siphash24(key, bytes) {
    var v = [
      (key[0] ^ 0x736f6d65) >>> 0,
      (key[1] ^ 0x70736575) >>> 0,
      (key[2] ^ 0x646f7261) >>> 0,
      (key[3] ^ 0x6e646f6d) >>> 0,
      (key[0] ^ 0x6c796765) >>> 0,
      (key[1] ^ 0x6e657261) >>> 0,
      (key[2] ^ 0x74656462) >>> 0,
      (key[3] ^ 0x79746573) >>> 0
    ];
    var n = bytes.length;
    var whole = n - (n % 8);
    for (var i = 0; i < whole; i += 8) block(v, word(bytes, i + 4), word(bytes, i), 2);
    // The last 0-7 bytes, zero-padded, with the length's low byte on top.
    var tail = [0, 0, 0, 0, 0, 0, 0, n & 0xff];
    for (var t = whole; t < n; t++) tail[t - whole] = bytes[t];
    block(v, word(tail, 4), word(tail, 0), 2);
    v[5] = (v[5] ^ 0xff) >>> 0;
    rounds(v, 4);
    var hi = (v[0] ^ v[2] ^ v[4] ^ v[6]) >>> 0;
    var lo = (v[1] ^ v[3] ^ v[5] ^ v[7]) >>> 0;
    var out = [];
    for (var s = 0; s < 32; s += 8) out.push((lo >>> s) & 0xff);
    for (var u = 0; u < 32; u += 8) out.push((hi >>> u) & 0xff);
    return out;
  }

  // The 8 hash bytes as the little-endian unsigned integer in decimal, as RuleSet JSON lists
  // ValueRelease.hashes (fixed64): long division of four 16-bit limbs by 10^4.
  function decimal(bytes) {
    var limbs = [(bytes[7] << 8) | bytes[6], (bytes[5] << 8) | bytes[4], (bytes[3] << 8) | bytes[2], (bytes[1] << 8) | bytes[0]];
    var groups = [];
    while (limbs[0] || limbs[1] || limbs[2] || limbs[3]) {
      var rem = 0;
      for (var i = 0; i < 4; i++) {
        var cur = rem * 65536 + limbs[i];
        limbs[i] = Math.floor(cur / 10000);
        rem = cur % 10000;
      }
      groups.unshift(rem);
    }
    if (groups.length === 0) return "0";
    var text = String(groups[0]);
    for (var g = 1; g < groups.length; g++) text += String(10000 + groups[g]).substring(1);
    return text;
  }

  // 8 bytes in standard base64 (proto JSON of a bytes field).
  function base64(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8) | (i + 2 < bytes.length ? bytes[i + 2] : 0);
      out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
      out += i + 1 < bytes.length ? B64.charAt((n >> 6) & 63) : "=";
      out += i + 2 < bytes.length ? B64.charAt(n & 63) : "=";
    }
    return out;
  }

  // The released hashes (decimal) of the endpoints the exchange ({host, method, path}) matches,
  // as a set; null when none.
  function releasedFor(ruleSet, exchange) {
    var releases = (ruleSet && ruleSet.valueReleases) || [];
    var set = null;
    for (var i = 0; i < releases.length; i++) {
      var r = releases[i];
      if (!r || !r.endpoint || !Palisade.policyMatch.requestMatches(r.endpoint, exchange)) continue;
      set = set || {};
      var hashes = r.hashes || [];
      for (var h = 0; h < hashes.length; h++) set[String(hashes[h])] = true;
    }
    return set;
  }

  // The hash bytes of a first value with no format, or null when none is sent: no key, not
  // token-like, or a path over 256 characters or not ASCII.
  function hashOf(key, location, path, value) {
    if (key === null || typeof value !== "string" || !TOKEN.test(value) || path.length > 256 || NOT_ASCII.test(path)) return null;
    var bytes = [LOCATION[location]];
    for (var i = 0; i < path.length; i++) bytes.push(path.charCodeAt(i));
    bytes.push(0);
    for (var j = 0; j < value.length; j++) bytes.push(value.charCodeAt(j));
    return siphash24(key, bytes);
  }

  // A hasher for one message: key (keyOf, or null: hash nothing), location (query, request or
  // response), released (releasedFor). note(field, path, value) adds valueHash (and value, when
  // released) to a FieldShape or Parameter whose first value is `value` with no format.
  function hasher(key, location, released) {
    return function note(field, path, value) {
      var h = hashOf(key, location, path, value);
      if (h === null) return;
      field.valueHash = base64(h);
      if (released !== null && released[decimal(h)] === true) field.value = value;
    };
  }

  // Hex of the 8 bytes the filter sends, or "" (for the shared vectors).
  function hex(key, location, path, value) {
    var h = hashOf(key, location, path, value);
    if (h === null) return "";
    var out = "";
    for (var i = 0; i < 8; i++) out += (h[i] < 16 ? "0" : "") + h[i].toString(16);
    return out;
  }

  // Whether ValueRelease.hashes of RuleSet JSON are unsigned decimals in ascending order (as the
  // filter requires for its binary search; ascending as numbers = by length, then as text).
  function hashesProblem(hashes) {
    if (Object.prototype.toString.call(hashes) !== "[object Array]") return true;
    for (var i = 0; i < hashes.length; i++) {
      var h = String(hashes[i]);
      if (!/^(0|[1-9]\d{0,19})$/.test(h)) return true;
      if (i > 0) {
        var p = String(hashes[i - 1]);
        if (p.length > h.length || (p.length === h.length && p > h)) return true;
      }
    }
    return false;
  }

  return {
    keyOf: keyOf,
    hasher: hasher,
    releasedFor: releasedFor,
    hex: hex,
    decimal: decimal,
    hashesProblem: hashesProblem,
    siphash24: siphash24
  };
})();
