/* global PalisadeDetect */
// Turns a RuleSet (canonical proto JSON, or the proto-loader object form) into the plain arrays
// the scanner runs, checking every table invariant of docs/detectors.md §1 first: a malformed
// RuleSet is refused whole (the caller keeps the previous one).
PalisadeDetect.tables = (function () {
  "use strict";
  var B = PalisadeDetect.bytes;

  function fail(what) {
    throw new Error("palisade-detect: malformed rule set: " + what);
  }

  function bytesOf(v, what) {
    if (v === undefined || v === null || v === "") return [];
    if (typeof v === "string") {
      var out = B.base64ToBytes(v);
      if (out === null) fail(what + " is not base64");
      return out;
    }
    if (typeof v.length === "number") {
      var copy = [];
      for (var i = 0; i < v.length; i++) copy.push(v[i] & 0xff);
      return copy;
    }
    fail(what + " is not bytes");
    return [];
  }

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var B64V = {};
  (function () {
    for (var i = 0; i < 64; i++) B64V[B64.charAt(i)] = i;
    B64V["-"] = 62;
    B64V["_"] = 63;
  })();

  // Little-endian entries of `width` bytes straight from base64 (or a byte array): the tables are
  // the bulk of a RuleSet and Rhino's interpreter is slow, so no intermediate byte array.
  // Returns null when the byte count is not a multiple of `width`.
  function entriesOf(v, width, what) {
    if (width !== 2 && width !== 4) return null;
    var out = [];
    var value = 0;
    var mult = 1;
    var count = 0;
    function put(b) {
      value += b * mult;
      mult *= 256;
      if (++count === width) {
        out.push(value);
        value = 0;
        mult = 1;
        count = 0;
      }
    }
    if (typeof v === "string") {
      var acc = 0;
      var bits = 0;
      for (var i = 0; i < v.length; i++) {
        var ch = v.charAt(i);
        if (ch === "=") break;
        var x = B64V[ch];
        if (x === undefined) fail(what + " is not base64");
        acc = ((acc << 6) | x) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          put((acc >> bits) & 0xff);
        }
      }
    } else {
      var bytes = bytesOf(v, what);
      for (var j = 0; j < bytes.length; j++) put(bytes[j]);
    }
    return count === 0 ? out : null;
  }

  function uint(v, what) {
    if (v === undefined || v === null) return 0;
    var n = typeof v === "string" ? parseInt(v, 10) : v;
    if (typeof n !== "number" || n !== n || n < 0 || Math.floor(n) !== n) fail(what + " is not an unsigned integer");
    return n;
  }

  function uintList(v, what) {
    var out = [];
    if (v === undefined || v === null) return out;
    if (typeof v.length !== "number") fail(what + " is not a list");
    for (var i = 0; i < v.length; i++) out.push(uint(v[i], what));
    return out;
  }

  var KINDS = { AUTOMATON_KIND_SEARCH: 1, AUTOMATON_KIND_REVERSE: 2 };

  // rules.proto Automaton.sparse_transitions (row deltas, LEB128 varints), checked whole here but
  // expanded row by row later (sparseRows): Apigee runs every execution in a fresh scope, so the
  // tables are prepared on every request, and on clean data most automata never leave a few
  // rows. Returns { at: [row start in bytes], back: [row base delta] }, or null when the stream
  // is malformed or a target is not below `n`.
  function indexSparse(bytes, n, k) {
    if (n > bytes.length || n * k > 16777216) return null; // every row costs at least one byte
    var at = 0;
    var len = bytes.length;
    var bad = false;
    function read() {
      var b = at < len ? bytes[at++] : 128;
      if (b < 0x80) return b; // the common case: one byte
      var v = b & 0x7f;
      var scale = 128;
      for (var i = 1; i < 5; i++) {
        if (at >= len) break;
        b = bytes[at++];
        v += (b & 0x7f) * scale;
        if (b < 0x80) return v;
        scale *= 128;
      }
      bad = true;
      return 0;
    }
    var starts = [];
    var backs = [];
    var v;
    // One-byte varints (nearly all of them) are read inline: a call per byte dominates in Rhino.
    for (var s = 0; s < n && !bad; s++) {
      starts.push(at);
      var back = at < len && bytes[at] < 0x80 ? bytes[at++] : read();
      backs.push(back);
      var c;
      if (back === 0) {
        for (c = 0; c < k; c++) {
          v = at < len && bytes[at] < 0x80 ? bytes[at++] : read();
          if (v >= n) return null;
        }
        continue;
      }
      if (back > s) return null;
      var count = read();
      if (count > k) return null;
      var prev = -1;
      for (var i = 0; i < count; i++) {
        c = at < len && bytes[at] < 0x80 ? bytes[at++] : read();
        v = at < len && bytes[at] < 0x80 ? bytes[at++] : read();
        if (c <= prev || c >= k || v >= n) return null;
        prev = c;
      }
    }
    if (bad || at !== len) return null;
    return { at: starts, back: backs };
  }

  // One varint of a stream indexSparse accepted (so no bounds checks); the position lives in
  // `pos[0]` so that the reader needs no closure per row.
  function varint(bytes, pos) {
    var b = bytes[pos[0]++];
    if (b < 0x80) return b;
    var v = b & 0x7f;
    var scale = 128;
    do {
      b = bytes[pos[0]++];
      v += (b & 0x7f) * scale;
      scale *= 128;
    } while (b >= 0x80);
    return v;
  }

  // What state s accepts: 0 (nothing, the common case, one comparison in the scan loop) or the
  // detector indexes. Filled together with the row of s, so `rows[s] !== undefined` implies it.
  function hitsOf(offsets, dets, s) {
    return offsets[s + 1] > offsets[s] ? dets.slice(offsets[s], offsets[s + 1]) : 0;
  }

  // The row getter of a sparse table: row(s) -> array of k targets, expanded on first use (and
  // the rows it is based on, iteratively: a chain of deltas can be as long as the table).
  function sparseRows(bytes, index, k, rows, acc, offsets, dets) {
    // One-byte varints (nearly all) are read inline: the ready form (JS-AcceptRules) expands
    // every row, and a call per entry is what costs in Rhino.
    function expandOne(s) {
      var pos = [index.at[s]];
      var back = varint(bytes, pos);
      var row;
      var c;
      var b;
      if (back === 0) {
        row = [];
        for (c = 0; c < k; c++) {
          b = bytes[pos[0]];
          if (b < 0x80) pos[0]++;
          row[c] = b < 0x80 ? b : varint(bytes, pos);
        }
      } else {
        row = rows[s - back].slice();
        var count = varint(bytes, pos);
        for (var i = 0; i < count; i++) {
          c = varint(bytes, pos);
          row[c] = varint(bytes, pos);
        }
      }
      acc[s] = hitsOf(offsets, dets, s);
      rows[s] = row;
      return row;
    }
    return function row(s) {
      var chain = [];
      var t = s;
      while (rows[t] === undefined && index.back[t] !== 0) {
        chain.push(t);
        t -= index.back[t];
      }
      if (rows[t] === undefined) expandOne(t);
      for (var j = chain.length - 1; j >= 0; j--) expandOne(chain[j]);
      return rows[s];
    };
  }

  // The row getter of a dense table (already checked whole).
  function denseRows(next, k, rows, acc, offsets, dets) {
    return function row(s) {
      acc[s] = hitsOf(offsets, dets, s);
      return (rows[s] = next.slice(s * k, s * k + k));
    };
  }

  function enumValue(v, names) {
    if (typeof v === "number") return v;
    if (typeof v === "string" && Object.prototype.hasOwnProperty.call(names, v)) return names[v];
    return 0;
  }

  function prepareAutomaton(a, i, detectorCount) {
    var what = "automata[" + i + "]";
    if (!a || typeof a !== "object") fail(what + " is not an object");
    var cls = bytesOf(a.byteClasses, what + ".byteClasses");
    var k = uint(a.classCount, what + ".classCount");
    var n = uint(a.stateCount, what + ".stateCount");
    var start = uint(a.startState, what + ".startState");
    var sparse = bytesOf(a.sparseTransitions, what + ".sparseTransitions");
    var width = sparse.length ? 0 : uint(a.entryBytes, what + ".entryBytes");
    if (sparse.length && bytesOf(a.transitions, what + ".transitions").length) fail(what + " has both transitions and sparseTransitions");
    var index = sparse.length ? indexSparse(sparse, n, k) : null;
    if (sparse.length && index === null) fail(what + ".sparseTransitions is malformed or leads to a missing state");
    var next = sparse.length ? null : entriesOf(a.transitions, width, what + ".transitions");
    var offsets = uintList(a.acceptOffsets, what + ".acceptOffsets");
    var dets = uintList(a.acceptDetectors, what + ".acceptDetectors");
    var kind = enumValue(a.kind, KINDS);
    if (cls.length !== 256) fail(what + ".byteClasses must hold 256 bytes");
    if (k < 1 || k > 256) fail(what + ".classCount out of range");
    if (n < 1) fail(what + ".stateCount must be positive");
    if (start >= n) fail(what + ".startState out of range");
    if (!sparse.length && width !== 2 && width !== 4) fail(what + ".entryBytes must be 2 or 4");
    if (!sparse.length && (next === null || next.length !== n * k)) fail(what + ".transitions has the wrong length");
    if (offsets.length !== n + 1 || offsets[0] !== 0 || offsets[n] !== dets.length) fail(what + ".acceptOffsets is inconsistent");
    if (kind !== 1 && kind !== 2) fail(what + ".kind is unknown");
    var b;
    for (b = 0; b < 256; b++) if (cls[b] >= k) fail(what + ".byteClasses refers to a missing class");
    for (b = 0; b < n; b++) if (offsets[b + 1] < offsets[b]) fail(what + ".acceptOffsets decreases");
    for (b = 0; b < dets.length; b++) if (dets[b] >= detectorCount) fail(what + ".acceptDetectors out of range");
    if (!sparse.length) for (var e = 0; e < next.length; e++) if (next[e] >= n) fail(what + ".transitions leads to a missing state");
    // rows[s]: the k targets of state s once expanded, acc[s] what s accepts; row(s) expands
    // both (the scanner reads `rows[s] || row(s)`, then acc[s]).
    var rows = [];
    var acc = [];
    var row = sparse.length ? sparseRows(sparse, index, k, rows, acc, offsets, dets) : denseRows(next, k, rows, acc, offsets, dets);
    return {
      kind: kind,
      cls: cls,
      k: k,
      n: n,
      start: start,
      dead: 0, // a REVERSE scan ends in state 0
      rows: rows,
      acc: acc,
      row: row,
      // The checked tables as given, for PalisadeDetect.ready (not read while scanning).
      source: { sparse: sparse.length ? sparse : null, index: index, next: next, offsets: offsets, dets: dets }
    };
  }

  function lowerList(v) {
    var out = [];
    if (!v || typeof v.length !== "number") return out;
    for (var i = 0; i < v.length; i++) out.push(String(v[i]).toLowerCase());
    return out;
  }

  function prepareDetector(d, i, automata) {
    var what = "detectors[" + i + "]";
    if (!d || typeof d !== "object" || typeof d.id !== "string") fail(what + " has no id");
    var search = uint(d.searchAutomaton, what + ".searchAutomaton");
    var reverse = uint(d.reverseAutomaton, what + ".reverseAutomaton");
    if (search >= automata.length || automata[search].kind !== 1) fail(what + ".searchAutomaton is not a SEARCH automaton");
    if (reverse >= automata.length || automata[reverse].kind !== 2) fail(what + ".reverseAutomaton is not a REVERSE automaton");
    var boundary = bytesOf(d.boundary, what + ".boundary");
    if (boundary.length !== 0 && boundary.length !== 32) fail(what + ".boundary must be empty or 32 bytes");
    var c = d.context || {};
    var maxLength = uint(d.maxLength, what + ".maxLength");
    return {
      index: i,
      id: d.id,
      category: d.category === undefined ? "DATA_CATEGORY_UNSPECIFIED" : d.category,
      severity: d.severity === undefined ? "SEVERITY_UNSPECIFIED" : d.severity,
      validator: d.validator === undefined ? "VALIDATOR_UNSPECIFIED" : d.validator,
      search: search,
      reverse: automata[reverse],
      reverseIndex: reverse,
      keys: PalisadeDetect.context.ruleTokens(lowerList(c.keys)),
      positive: lowerList(c.positiveKeywords),
      negative: lowerList(c.negativeKeywords),
      negativeKeys: PalisadeDetect.context.ruleTokens(lowerList(c.negativeKeywords)),
      distance: uint(c.distance, what + ".context.distance"),
      boost: uint(c.boost, what + ".context.boost"),
      penalty: uint(c.penalty, what + ".context.penalty"),
      requireContext: c.requireContext === true,
      base: uint(d.baseConfidence, what + ".baseConfidence"),
      min: uint(d.minConfidence, what + ".minConfidence"),
      mask: d.mask === undefined ? "MASK_STYLE_UNSPECIFIED" : d.mask,
      maxLength: maxLength === 0 ? 256 : maxLength,
      boundary: boundary.length === 32 ? boundary : null
    };
  }

  // Where a SEARCH automaton can leave its start state: the source of a RegExp (global, over the
  // decoded bytes as a string of char codes 0-255) matching the bytes that do, or null. While the
  // automaton sits in its start state it stays there over every other byte, so the scanner jumps
  // to the next match natively instead of stepping byte by byte (Rhino runs RegExp in Java).
  // Exact as long as the start state accepts nothing. Only for selective start states: when most
  // text leaves the start state at once, the jumps would cost more than they save.
  var SKIP_MAX_LEAVING_BYTES = 48;
  function hex2(b) {
    return (b < 16 ? "\\x0" : "\\x") + b.toString(16);
  }
  function startSkipSource(A) {
    var row = A.rows[A.start] || A.row(A.start);
    if (A.acc[A.start] !== 0) return null;
    var leaving = [];
    for (var b = 0; b < 256; b++) if (row[A.cls[b]] !== A.start) leaving.push(b);
    if (leaving.length > SKIP_MAX_LEAVING_BYTES) return null;
    var out = "";
    for (var i = 0; i < leaving.length; i++) {
      var j = i;
      while (j + 1 < leaving.length && leaving[j + 1] === leaving[j] + 1) j++;
      out += hex2(leaving[i]) + (j > i ? "-" + hex2(leaving[j]) : "");
      i = j;
    }
    // No byte leaves the start state: nothing to find, `[]` never matches.
    return "[" + out + "]";
  }

  // RuleSet -> { automata, search: [automaton index...], detectors, settings }.
  function prepare(rs) {
    if (!rs || typeof rs !== "object") fail("not an object");
    var rawAutomata = rs.automata || [];
    var rawDetectors = rs.detectors || [];
    if (typeof rawAutomata.length !== "number" || typeof rawDetectors.length !== "number") fail("automata/detectors are not lists");
    var automata = [];
    var i;
    for (i = 0; i < rawAutomata.length; i++) automata.push(prepareAutomaton(rawAutomata[i], i, rawDetectors.length));
    var detectors = [];
    for (i = 0; i < rawDetectors.length; i++) detectors.push(prepareDetector(rawDetectors[i], i, automata));
    var search = [];
    for (i = 0; i < automata.length; i++) {
      if (automata[i].kind !== 1) continue;
      search.push(i);
      automata[i].skipSource = startSkipSource(automata[i]);
      automata[i].skip = automata[i].skipSource === null ? null : new RegExp(automata[i].skipSource, "g");
    }
    var s = rs.settings || {};
    return {
      automata: automata,
      search: search,
      detectors: detectors,
      settings: {
        maxBodyBytes: uint(s.maxBodyBytes, "settings.maxBodyBytes"),
        minConfidence: uint(s.minConfidence, "settings.minConfidence"),
        maxFindings: uint(s.maxFindingsPerEvent, "settings.maxFindingsPerEvent")
      }
    };
  }

  var lastRuleSet = null;
  var lastPrepared = null;

  // The prepared form of `rs`, cached for the last rule set object seen.
  function prepared(rs) {
    if (rs === lastRuleSet && lastPrepared) return lastPrepared;
    var p = prepare(rs);
    lastRuleSet = rs;
    lastPrepared = p;
    return p;
  }

  // Makes `p` (tables prepared elsewhere: PalisadeDetect.ready) the prepared form of `rs`.
  function adopt(rs, p) {
    lastRuleSet = rs;
    lastPrepared = p;
  }

  return { prepare: prepare, prepared: prepared, adopt: adopt };
})();
