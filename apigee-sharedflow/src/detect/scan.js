/* global PalisadeDetect */
// The scanner (docs/detectors.md §4-9): segments -> SEARCH automata -> candidates -> REVERSE
// start -> boundaries -> validator -> context -> overlaps -> findings.
PalisadeDetect.scanMessage = (function () {
  "use strict";
  var B = PalisadeDetect.bytes;
  var C = PalisadeDetect.context;
  var V = PalisadeDetect.validators;
  var M = PalisadeDetect.mask;
  var S = PalisadeDetect.segments;
  var T = PalisadeDetect.tables;
  var P = PalisadeDetect.prefilter;
  var D = PalisadeDetect.deadline;

  var DEFAULT_MAX_BODY = 1048576;
  var DEFAULT_MAX_FINDINGS = 100;
  // What a segment costs besides its bytes (the walk, the key, the prefilter), in bytes of budget.
  var SEGMENT_WORK = 32;

  function inBoundary(bitmap, b) {
    return bitmap !== null && (bitmap[b >> 3] & (1 << (b & 7))) !== 0;
  }

  // Context of a candidate whose raw start is `rawStart`: { hit, negative }.
  function contextOf(det, raw, rawStart, keyTokens) {
    var from = rawStart - det.distance;
    if (from < 0) from = 0;
    var hit = C.keyMatches(keyTokens, det.keys) || (det.distance > 0 && C.keywordIn(raw, from, rawStart, det.positive));
    var negative = C.keyMatches(keyTokens, det.negativeKeys) || (det.distance > 0 && C.keywordIn(raw, from, rawStart, det.negative));
    return { hit: hit, negative: negative };
  }

  // What depends only on a segment's key, shared by the segments under the same key (the members
  // of array elements repeat theirs): { tokens, hits: { detector index: key matches } }.
  function keyInfo(keys, key) {
    var name = key === null || key === undefined || key.length === 0 ? "" : typeof key === "string" ? key : B.charString(key);
    var info = keys["k" + name];
    if (info === undefined) info = keys["k" + name] = { tokens: C.textTokens(name), hits: {} };
    return info;
  }

  // An ASCII string's char codes (its bytes).
  function codes(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  // What the helpers below share about the segment being scanned. They are functions of their
  // own, not closures: in Rhino a function that holds nested functions keeps every variable in a
  // scope object, and the byte loop of scanSegment would pay a lookup for each one.
  // field: { text: raw as a string, made on first use }. d: the decoded bytes, or (a segment cut
  // from an ASCII body kept as a string) the string itself until an automaton runs over it.
  function segmentState(p, raw, field, s, minConfidence, keys) {
    var info = keyInfo(keys, s.key);
    var d = s.d;
    return {
      p: p,
      raw: raw,
      field: field,
      s: s,
      d: d,
      asText: typeof d === "string",
      text: typeof d === "string" ? d : null, // d as a string of char codes 0-255, made on first use
      n: d.length,
      keyTokens: info.tokens,
      keyHits: info.hits,
      has: null, // the segment's features, for P.mayFind
      gated: null, // gate() per detector index, once asked
      contextless: {},
      kept: null,
      minConfidence: minConfidence
    };
  }

  function textOf(g) {
    if (g.text === null) g.text = B.charString(g.d);
    return g.text;
  }

  // The key test depends on the key only: computed once per detector.
  function keyHit(g, det) {
    var v = g.keyHits[det.index];
    if (v === undefined) v = g.keyHits[det.index] = C.keyMatches(g.keyTokens, det.keys);
    return v;
  }

  // Whether require-context detector `index` may have context in this segment: its key, or one
  // of its keywords inside the widest raw window candidate() could search (a native
  // case-insensitive RegExp test: a superset of C.keywordIn's matches).
  function gate(index, g) {
    var gated = g.gated || (g.gated = {});
    var v = gated[index];
    if (v === undefined) v = gated[index] = mayHaveContext(g, g.p.detectors[index]);
    return v;
  }

  function mayHaveContext(g, det) {
    if (keyHit(g, det)) return true;
    var words = g.p.prefilter.words[det.index];
    if (det.distance === 0 || words === null || words === undefined) return false;
    var field = g.field;
    if (field.text === null) field.text = typeof g.raw === "string" ? g.raw : B.charString(g.raw);
    var from = S.rawStart(g.s, 0) - det.distance;
    return words.test(field.text.substring(from < 0 ? 0 : from, S.rawStart(g.s, g.n - 1)));
  }

  // True when none of detector `index`'s candidates in this segment can have the context it
  // requires: without its key, no keyword can be near (distance 0, or the gate found none in the
  // segment's widest window), so candidate() would refuse each one at its first step. A pattern
  // like a password's accepts at almost every byte of a long value: deciding once per segment
  // spares a call per byte (the bulk of a 4 KiB JSON body's scan).
  function noContextPossible(g, index) {
    var det = g.p.detectors[index];
    var pf = g.p.prefilter || null;
    var gated = pf !== null && pf.words[index] !== undefined; // the prefilter knows its keywords
    var none = det.requireContext && !keyHit(g, det) && (det.distance === 0 || (gated && !gate(index, g)));
    g.contextless[index] = none;
    return none;
  }

  // Runs the SEARCH automata over one segment and appends the segment's kept findings.
  // budget: the caller's deadline (deadline.js) or null; every automaton pass is charged to it.
  function scanSegment(p, raw, field, s, minConfidence, out, keys, budget) {
    var n = s.d.length;
    D.charge(budget, n + SEGMENT_WORK);
    var pf = p.prefilter || null; // only in the ready form (ready.js): absent, every automaton runs
    if (n === 0 || (pf !== null && n < pf.fewest)) return;
    var g = segmentState(p, raw, field, s, minConfidence, keys);
    var search = p.search;
    var automata = p.automata;
    var contextless = g.contextless;
    var d = null;
    var segmentText = pf === null ? null : textOf(g);
    if (pf !== null) g.has = { known: -1, present: P.featuresOf(segmentText) };
    for (var a = 0; a < search.length; a++) {
      if (pf !== null && (n < pf.shortest[a] || !P.mayFind(pf, a, segmentText, g.has, gate, g))) continue;
      if (d === null) {
        // The automata index arrays: one pass over the segment's char codes instead of a
        // charCodeAt call per byte and automaton.
        if (g.asText) {
          g.d = codes(g.d);
          g.asText = false;
        }
        d = g.d;
      }
      var A = automata[search[a]];
      var cls = A.cls || A.classes();
      var rows = A.rows;
      var acc = A.acc;
      var start = A.start;
      var skip = A.skip;
      var state;
      var startRow = rows[start] || A.row(start);
      var row = startRow;
      var i = 0;
      var text = skip === null ? null : textOf(g);
      if (skip !== null) {
        // In the start state until the first byte that leaves it (tables.js startSkipSource).
        skip.lastIndex = 0;
        if (!skip.test(text)) continue;
        i = skip.lastIndex - 1;
      }
      // In slices of at most D.STEP bytes, each charged to the budget before it runs: a long
      // segment (one JSON string can hold the whole inspected body) cannot outrun the deadline.
      while (i < n) {
        var sliceEnd = budget === null || n - i <= D.STEP ? n : i + D.STEP;
        D.charge(budget, sliceEnd - i);
        for (; i < sliceEnd; i++) {
          state = row[cls[d[i]]];
          if (state === start && skip !== null) {
            skip.lastIndex = i + 1;
            if (!skip.test(text)) {
              i = n; // never leaves the start state again: this automaton is done with the segment
              break;
            }
            i = skip.lastIndex - 2; // the loop's i++ lands on the byte that leaves the start state
            row = startRow;
            continue;
          }
          row = rows[state] || A.row(state);
          var hits = acc[state]; // 0 or absent: accepts nothing
          if (hits) {
            for (var x = 0; x < hits.length; x++) {
              var hx = hits[x];
              var dead = contextless[hx];
              if (dead === undefined) dead = noContextPossible(g, hx);
              if (!dead) candidate(g, p.detectors[hx], i + 1);
            }
          }
        }
      }
    }
    var kept = g.kept;
    if (kept === null) return;
    for (var id in kept)
      if (Object.prototype.hasOwnProperty.call(kept, id)) for (var q = 0; q < kept[id].length; q++) out.push(kept[id][q]);
  }

  // A candidate match of `det` ending at decoded byte e (exclusive) of the segment (g.d: bytes).
  function candidate(g, det, e) {
    var d = g.d;
    var s = g.s;
    var raw = g.raw;
    // 1. require context: pre-filter over the widest window step 5 could use.
    if (det.requireContext && !keyHit(g, det)) {
      var wideFrom = S.rawStart(s, e - det.maxLength > 0 ? e - det.maxLength : 0) - det.distance;
      if (det.distance === 0 || !C.keywordIn(raw, wideFrom < 0 ? 0 : wideFrom, S.rawStart(s, e - 1), det.positive)) return;
    }
    // 2. start: the smallest accepting p within max_length whose left boundary holds.
    var R = det.reverse;
    var lo = e - det.maxLength;
    if (lo < 0) lo = 0;
    var rcls = R.cls || R.classes();
    var st = R.start;
    var rrow = R.rows[st] || R.row(st);
    var start = -1;
    for (var p2 = e - 1; p2 >= lo; p2--) {
      st = rrow[rcls[d[p2]]];
      if (st === R.dead) break;
      rrow = R.rows[st] || R.row(st);
      if (R.acc[st] && (p2 === 0 || !inBoundary(det.boundary, d[p2 - 1]))) start = p2;
    }
    if (start < 0) return;
    // 3. right boundary.
    if (e < g.n && inBoundary(det.boundary, d[e])) return;
    // 4. validator on the decoded bytes.
    if (!V.validate(det.validator, d, start, e)) return;
    // 5. context with the real start, confidence.
    var rawStart = S.rawStart(s, start);
    var ctx = contextOf(det, raw, rawStart, g.keyTokens);
    if (det.requireContext && !ctx.hit) return;
    var confidence = det.base + (ctx.hit ? det.boost : 0) - (ctx.negative ? det.penalty : 0);
    if (confidence > 100) confidence = 100;
    if (confidence < 0) confidence = 0;
    if (confidence < Math.max(det.min, g.minConfidence)) return;
    // 6. same-detector overlap: the longer match wins, ties keep the earlier one.
    var kept = g.kept || (g.kept = {});
    var list = kept[det.index] || (kept[det.index] = []);
    while (list.length) {
      var L = list[list.length - 1];
      if (L.dEnd <= start) break;
      if (e - start > L.dEnd - L.dStart) list.pop();
      else return;
    }
    list.push({
      det: det,
      dStart: start,
      dEnd: e,
      start: rawStart,
      end: S.rawEnd(s, e - 1),
      path: S.pathOf(s),
      confidence: confidence,
      masked: M.preview(det.mask, d, start, e)
    });
  }

  // §7: overlaps between different detectors of one field, then field order.
  function resolve(list) {
    var order = list.slice();
    order.sort(function (x, y) {
      return y.confidence - x.confidence || y.end - y.start - (x.end - x.start) || x.det.index - y.det.index || x.start - y.start;
    });
    // Kept spans never intersect, so "clashes with a kept finding" is "touches a claimed byte":
    // linear in the findings' lengths instead of quadratic in their number (a large body can
    // hold thousands).
    var lo = Infinity;
    for (var k = 0; k < order.length; k++) if (order[k].start < lo) lo = order[k].start;
    var claimed = [];
    var keep = [];
    for (var i = 0; i < order.length; i++) {
      var f = order[i];
      var clash = false;
      for (var b = f.start - lo; b < f.end - lo && !clash; b++) if (claimed[b] === true) clash = true;
      if (clash) continue;
      for (var c = f.start - lo; c < f.end - lo; c++) claimed[c] = true;
      keep.push(f);
    }
    keep.sort(function (x, y) {
      return x.start - y.start || x.end - y.end || x.det.index - y.det.index;
    });
    return keep;
  }

  function scanField(p, field, raw, walk, minConfidence, out, keys, budget) {
    var found = [];
    var fieldText = { text: null };
    walk(function (s) {
      scanSegment(p, raw, fieldText, s, minConfidence, found, keys, budget);
    });
    var kept = resolve(found);
    for (var i = 0; i < kept.length; i++) {
      var f = kept[i];
      var finding = {
        type: f.det.id,
        field: field,
        start: f.start,
        end: f.end,
        confidence: f.confidence,
        masked: f.masked,
        severity: f.det.severity,
        category: f.det.category
      };
      if (f.path !== null && f.path !== undefined) finding.path = f.path;
      out.push(finding);
    }
  }

  function toBytes(v) {
    if (v === undefined || v === null) return [];
    if (typeof v === "string") return B.utf8Encode(v);
    if (typeof v.length === "number" && typeof v !== "string") {
      var out = [];
      for (var i = 0; i < v.length; i++) out.push(v[i] & 0xff);
      return out;
    }
    return B.utf8Encode(String(v));
  }

  var NON_ASCII = /[\u0080-\uffff]/;

  // The body's raw bytes; an ASCII JSON body stays the string it is (its char codes are its UTF-8
  // bytes, offsets identical): the walker and the prefilter read it natively and only segments an
  // automaton runs over become bytes, so the encoding pass over the whole body disappears.
  function bodyRaw(body, contentType) {
    if (typeof body !== "string" || NON_ASCII.test(body) || S.bodyMode(body, body.length, contentType) !== "json") return toBytes(body);
    return body;
  }

  function positive(v) {
    var n = typeof v === "string" ? parseInt(v, 10) : v;
    return typeof n === "number" && n > 0 ? n : 0;
  }

  // scanMessage(ruleSet, message, limits) -> findings.
  // message: { headers: {name: value|[values]}, query: "raw query", body: "text" | bodyBytes: [..],
  //            contentType }. limits: { maxBodyBytes, maxFindings, minConfidence } (optional;
  // zero or absent falls back to the RuleSet settings, then to the documented defaults), and
  // { deadlineMs, now } (deadline.js): past the deadline the scan throws D.EXCEEDED.
  return function scanMessage(ruleSet, message, limits) {
    var p = T.prepared(ruleSet);
    var lim = limits || {};
    var msg = message || {};
    var maxBody = positive(lim.maxBodyBytes) || p.settings.maxBodyBytes || DEFAULT_MAX_BODY;
    var maxFindings = positive(lim.maxFindings) || p.settings.maxFindings || DEFAULT_MAX_FINDINGS;
    var minConfidence = Math.max(positive(lim.minConfidence), p.settings.minConfidence);
    var out = [];
    var keys = {}; // keyInfo memo, for the whole message
    var budget = D.of(lim);
    var headers = msg.headers || {};
    for (var name in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
      var value = headers[name];
      if (value !== null && typeof value === "object" && typeof value.join === "function") value = value.join(", ");
      var lname = String(name).toLowerCase();
      var hraw = toBytes(value === undefined || value === null ? "" : String(value));
      var nameBytes = B.utf8Encode(lname);
      scanField(
        p,
        "header:" + lname,
        hraw,
        (function (r, nb) {
          return function (emit) {
            S.walkHeader(r, nb, emit);
          };
        })(hraw, nameBytes),
        minConfidence,
        out,
        keys,
        budget
      );
    }
    var qraw = toBytes(msg.query);
    scanField(
      p,
      "query",
      qraw,
      function (emit) {
        S.walkForm(qraw, qraw.length, emit);
      },
      minConfidence,
      out,
      keys,
      budget
    );
    var braw = msg.bodyBytes !== undefined && msg.bodyBytes !== null ? toBytes(msg.bodyBytes) : bodyRaw(msg.body, msg.contentType);
    if (braw.length > maxBody) braw = braw.slice(0, maxBody);
    scanField(
      p,
      "body",
      braw,
      function (emit) {
        S.walkBody(braw, braw.length, msg.contentType, emit);
      },
      minConfidence,
      out,
      keys,
      budget
    );
    return out.length > maxFindings ? out.slice(0, maxFindings) : out;
  };
})();
