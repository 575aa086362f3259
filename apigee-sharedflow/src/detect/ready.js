/* global PalisadeDetect */
// The ready form of a rule set: one string, checked once, usable by later executions at almost no
// cost. Apigee runs every execution in a fresh scope (notes/apigee.md), so whatever a policy
// derives from the RuleSet it derives again for every message; checking and preparing the tables
// of the built-in set took most of an execution in Rhino. encode() runs the full checks of
// tables.prepare once — in JS-AcceptRules when the control plane's set arrives (the ready form is
// what goes to the cache), and at build time for the embedded built-in set — and writes what the
// scanner needs as text: a small JSON header (the rule set without its tables, the prepared
// detectors) and the tables as characters the scanner reads with charCodeAt, a row only when a
// scan first enters its state. decode() only checks that the text is whole (format marker, the
// lengths it records, the end marker), so a truncated or foreign value is refused and a value of
// a different format is not misread; the contents are trusted because only encode() writes them.
PalisadeDetect.ready = (function () {
  "use strict";
  var T = PalisadeDetect.tables;
  var MAGIC = "PALISADE-READY/1\n";
  var END = "\nEND/";
  // Every value is stored as a character `value + OFF`: no control characters, so the text needs
  // no escapes in a JavaScript string literal. Small values (bytes) take one character, wide ones
  // (positions, detector indexes) two of 14 bits each: at most 0x401f, far below the surrogates.
  // The transition streams, the bulk, are written as they are when the text is only cached
  // (JS-AcceptRules: one native call) and printable for the build (streamOff in the header).
  var OFF = 32;
  var WIDE_LIMIT = 268435456; // 2^28

  function fail(what) {
    throw new Error("palisade-detect: cannot write the ready form: " + what);
  }

  // ---- writing ---------------------------------------------------------------------------------

  // Char codes -> string, natively, in slices (no call gets more arguments than a JVM method
  // handles comfortably).
  function codesToString(codes) {
    var parts = [];
    for (var i = 0; i < codes.length; i += 4096) parts.push(String.fromCharCode.apply(null, codes.slice(i, i + 4096)));
    return parts.join("");
  }

  // The body: sections appended whole, so a value costs no function call (JS-AcceptRules writes
  // a rule set in Rhino within its timeLimit).
  function writer() {
    var parts = [];
    var length = 0;
    function add(text) {
      parts.push(text);
      length += text.length;
    }
    return {
      // Values 0-255 (checked by tables.prepare), plus `off`.
      bytes: function (list, off) {
        if (off === 0) return add(codesToString(list));
        var codes = [];
        for (var i = 0; i < list.length; i++) codes.push(list[i] + off);
        add(codesToString(codes));
      },
      wides: function (list) {
        var codes = [];
        for (var i = 0; i < list.length; i++) {
          var v = list[i];
          if (v >= WIDE_LIMIT) fail("value " + v + " is too large");
          codes.push(Math.floor(v / 16384) + OFF, (v % 16384) + OFF);
        }
        add(codesToString(codes));
      },
      length: function () {
        return length;
      },
      text: function () {
        return parts.join("");
      }
    };
  }

  function pushVarint(out, v) {
    while (v >= 128) {
      out.push((v % 128) + 128);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }

  // The transition rows as the sparse stream (rules.proto Automaton.sparse_transitions) and where
  // each row starts; a dense table becomes a stream of rows with no base (back = 0).
  function streamOf(A) {
    var src = A.source;
    if (src.sparse !== null) return { bytes: src.sparse, at: src.index.at };
    var bytes = [];
    var at = [];
    for (var s = 0; s < A.n; s++) {
      at.push(bytes.length);
      bytes.push(0);
      for (var c = 0; c < A.k; c++) pushVarint(bytes, src.next[s * A.k + c]);
    }
    return { bytes: bytes, at: at };
  }

  // streamOff: 0 (the stream's bytes as they are: one native call, for JS-AcceptRules) or OFF
  // (printable, for the build, which embeds the text in a JavaScript string literal).
  function writeAutomaton(w, A, streamOff) {
    var h = { kind: A.kind, k: A.k, n: A.n, start: A.start, skip: A.skipSource === undefined ? null : A.skipSource };
    var stream = streamOf(A);
    h.cls = w.length();
    w.bytes(A.cls, OFF);
    h.at = w.length();
    w.wides(stream.at);
    h.stream = w.length();
    h.streamOff = streamOff;
    w.bytes(stream.bytes, streamOff);
    h.offsets = w.length();
    w.wides(A.source.offsets);
    h.dets = w.length();
    w.wides(A.source.dets);
    return h;
  }

  // RuleSet (canonical proto JSON object) -> ready text. Throws when the rule set's tables are
  // malformed (the same refusals as tables.prepare).
  // `printable`: no control characters in the text (costs a little more to write).
  function encode(rs, printable) {
    var p = T.prepare(rs);
    var w = writer();
    var automata = [];
    for (var a = 0; a < p.automata.length; a++) automata.push(writeAutomaton(w, p.automata[a], printable ? OFF : 0));
    var detectors = [];
    for (var d = 0; d < p.detectors.length; d++) {
      var copy = {};
      for (var key in p.detectors[d]) {
        if (Object.prototype.hasOwnProperty.call(p.detectors[d], key) && key !== "reverse") copy[key] = p.detectors[d][key];
      }
      detectors.push(copy);
    }
    var ruleSet = {};
    for (var k in rs) if (Object.prototype.hasOwnProperty.call(rs, k) && k !== "automata") ruleSet[k] = rs[k];
    var body = w.text();
    var header = JSON.stringify({
      ruleSet: ruleSet,
      detectors: detectors,
      search: p.search,
      prefilter: PalisadeDetect.prefilter.derive(p),
      settings: p.settings,
      automata: automata,
      bodyLength: body.length
    });
    var text = MAGIC + header + "\n" + body;
    return text + END + text.length;
  }

  // ---- reading ---------------------------------------------------------------------------------

  function wideAt(text, p) {
    return (text.charCodeAt(p) - OFF) * 16384 + text.charCodeAt(p + 1) - OFF;
  }

  // Methods of a ready automaton (called as A.row(s) / A.classes(), so `this` is the automaton):
  // no closures to create per automaton and execution.
  function readyClasses() {
    var A = this;
    var cls = [];
    for (var b = 0; b < 256; b++) cls.push(A.text.charCodeAt(A.clsAt + b) - OFF);
    A.cls = cls;
    return cls;
  }

  function readyHits(A, s) {
    var lo = wideAt(A.text, A.offsetsAt + 2 * s);
    var hi = wideAt(A.text, A.offsetsAt + 2 * s + 2);
    if (hi === lo) return 0;
    var out = [];
    for (var x = lo; x < hi; x++) out.push(wideAt(A.text, A.detsAt + 2 * x));
    return out;
  }

  // One varint of the stream at pos[0] (advanced), stored with `off` added to each byte.
  function varintAt(text, pos, off) {
    var b = text.charCodeAt(pos[0]++) - off;
    if (b < 128) return b;
    var v = b & 127;
    var scale = 128;
    do {
      b = text.charCodeAt(pos[0]++) - off;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    return v;
  }

  function readyExpandOne(A, s, pos, back) {
    var text = A.text;
    var row;
    var c;
    if (back === 0) {
      row = [];
      for (c = 0; c < A.k; c++) row.push(varintAt(text, pos, A.streamOff));
    } else {
      row = A.rows[s - back].slice();
      var count = varintAt(text, pos, A.streamOff);
      for (var i = 0; i < count; i++) {
        c = varintAt(text, pos, A.streamOff);
        row[c] = varintAt(text, pos, A.streamOff);
      }
    }
    A.acc[s] = readyHits(A, s);
    A.rows[s] = row;
  }

  // Expands row s and the rows it is based on (iteratively, oldest first).
  function readyRow(s) {
    var A = this;
    var chain = [];
    var t = s;
    for (;;) {
      var pos = [A.streamAt + wideAt(A.text, A.atAt + 2 * t)];
      var back = varintAt(A.text, pos, A.streamOff);
      chain.push(t, back, pos[0]);
      if (back === 0 || A.rows[t - back] !== undefined) break;
      t -= back;
    }
    for (var j = chain.length - 3; j >= 0; j -= 3) readyExpandOne(A, chain[j], [chain[j + 2]], chain[j + 1]);
    return A.rows[s];
  }

  function readyAutomaton(text, base, h) {
    return {
      kind: h.kind,
      cls: null,
      k: h.k,
      n: h.n,
      start: h.start,
      skip: h.skip === null ? null : new RegExp(h.skip, "g"),
      rows: [],
      acc: [],
      row: readyRow,
      classes: readyClasses,
      text: text,
      clsAt: base + h.cls,
      atAt: base + h.at,
      streamAt: base + h.stream,
      streamOff: h.streamOff,
      offsetsAt: base + h.offsets,
      detsAt: base + h.dets
    };
  }

  function isReady(text) {
    return text !== null && text !== undefined && String(text).substring(0, MAGIC.length) === MAGIC;
  }

  // Ready text -> { ruleSet, error }: error null, `not-ready` (some other text: the caller reads
  // it as a RuleSet) or `ready-damaged`. The returned rule set has no automata of its own: its
  // prepared tables are handed to the engine (tables.adopt), which scans with them.
  function decode(value) {
    if (!isReady(value)) return { ruleSet: null, error: "not-ready" };
    var text = String(value);
    var endAt = text.lastIndexOf(END);
    if (endAt < 0 || text.substring(endAt + END.length) !== String(endAt)) return { ruleSet: null, error: "ready-damaged" };
    var nl = text.indexOf("\n", MAGIC.length);
    var header;
    try {
      header = JSON.parse(text.substring(MAGIC.length, nl));
    } catch (e) {
      return { ruleSet: null, error: "ready-damaged" };
    }
    var base = nl + 1;
    if (!header || header.bodyLength !== endAt - base || !header.ruleSet || !header.automata) {
      return { ruleSet: null, error: "ready-damaged" };
    }
    var automata = [];
    for (var a = 0; a < header.automata.length; a++) automata.push(readyAutomaton(text, base, header.automata[a]));
    var detectors = header.detectors;
    for (var d = 0; d < detectors.length; d++) detectors[d].reverse = automata[detectors[d].reverseIndex];
    var prefilter = header.prefilter ? PalisadeDetect.prefilter.compile(header.prefilter) : null;
    T.adopt(header.ruleSet, {
      automata: automata,
      search: header.search,
      prefilter: prefilter,
      detectors: detectors,
      settings: header.settings
    });
    return { ruleSet: header.ruleSet, error: null };
  }

  return { encode: encode, decode: decode, isReady: isReady };
})();
