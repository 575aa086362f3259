/* global PalisadeDetect */
// The ready form of a rule set: one string, checked once, usable by later executions at almost no
// cost. Apigee runs every execution in a fresh scope (notes/apigee.md), so whatever a policy
// derives from the RuleSet it derives again for every message, and the first messages after a
// deploy run in a JVM that has compiled nothing yet (Rhino's interpreter itself runs slowly then:
// every operation counts). encode() runs the full checks of tables.prepare once — in
// JS-AcceptRules when the control plane's set arrives (the ready form is what goes to the cache),
// and at build time for the embedded built-in set — and writes what the scanner needs as text: a
// small JSON header (the rule set without its tables or detector list, the prepared detectors,
// what each accepting state reports) and the tables as text. A state is a character (its number
// + OFF) and every transition row is written whole, k characters at s * k: the first time a
// scan enters a state, its row is one native substring + split, an array of the next states'
// characters (Rhino's interpreter pays for every call: no charCodeAt per entry, no varints, no
// chain of delta rows), and the scanner indexes rows and accepts by those characters. The byte
// classes are a JSON array, parsed natively when an automaton first runs. decode() checks that
// the text is whole
// (format marker, the lengths it records, the end marker), so a truncated or foreign value is
// refused and a value of a different format is not misread; the contents are trusted because
// only encode() writes them.
PalisadeDetect.ready = (function () {
  "use strict";
  var T = PalisadeDetect.tables;
  var MAGIC = "PALISADE-READY/3\n";
  var END = "\nEND/";
  // Every value is stored as a character `value + OFF`: no control characters, so the text needs
  // no escapes in a JavaScript string literal, below the surrogates. The dead state 0 of a
  // REVERSE automaton is the character OFF.
  var OFF = 32;
  var MAX_STATES = 0xd800 - OFF; // a state is one character
  var DEAD = String.fromCharCode(OFF);

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
      add: add,
      length: function () {
        return length;
      },
      text: function () {
        return parts.join("");
      }
    };
  }

  // Every row of A (checked by tables.prepare), one after the other, as the char codes of the
  // text (each state + OFF). One indexed store per entry, no call: JS-AcceptRules writes every
  // entry of every table (~90,000 for the built-in set) in Rhino, where each operation costs.
  function rowCodes(A) {
    var out = [];
    var o = 0;
    var k = A.k;
    for (var s = 0; s < A.n; s++) {
      var row = A.rows[s] || A.row(s);
      for (var c = 0; c < k; c++) out[o++] = row[c] + OFF;
    }
    return out;
  }

  function stateChar(s) {
    return String.fromCharCode(s + OFF);
  }

  // What each accepting state reports: { state character: [detector indexes] }.
  function acceptsOf(A) {
    var out = {};
    var offsets = A.source.offsets;
    for (var s = 0; s < A.n; s++) if (offsets[s + 1] > offsets[s]) out[stateChar(s)] = A.source.dets.slice(offsets[s], offsets[s + 1]);
    return out;
  }

  function writeAutomaton(w, A) {
    if (A.n > MAX_STATES) fail("an automaton has more than " + MAX_STATES + " states");
    var h = {
      kind: A.kind,
      k: A.k,
      start: stateChar(A.start),
      skip: A.skipSource === undefined ? null : A.skipSource,
      accepts: acceptsOf(A)
    };
    h.cls = w.length();
    w.add(JSON.stringify(A.cls));
    h.clsEnd = w.length();
    h.rows = w.length();
    w.add(codesToString(rowCodes(A)));
    return h;
  }

  // RuleSet (canonical proto JSON object) -> ready text. Throws when the rule set's tables are
  // malformed (the same refusals as tables.prepare), or too large for this form.
  function encode(rs) {
    var p = T.prepare(rs);
    var w = writer();
    var automata = [];
    for (var a = 0; a < p.automata.length; a++) automata.push(writeAutomaton(w, p.automata[a]));
    var detectors = [];
    for (var d = 0; d < p.detectors.length; d++) {
      var copy = {};
      for (var key in p.detectors[d]) {
        if (Object.prototype.hasOwnProperty.call(p.detectors[d], key) && key !== "reverse") copy[key] = p.detectors[d][key];
      }
      detectors.push(copy);
    }
    // The rule set's own detector list is not written: the prepared detectors carry what an
    // execution reads of it (decode rebuilds it), and the header is parsed on every message.
    var ruleSet = {};
    for (var k in rs) if (Object.prototype.hasOwnProperty.call(rs, k) && k !== "automata" && k !== "detectors") ruleSet[k] = rs[k];
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

  // Methods of a ready automaton (called as A.row(s) / A.classes(), so `this` is the automaton):
  // no closures to create per automaton and execution.
  function readyClasses() {
    var A = this;
    A.cls = JSON.parse(A.text.substring(A.clsAt, A.clsEnd));
    return A.cls;
  }

  // The row of state s (a character): the next states' characters, one per byte class.
  function readyRow(s) {
    var A = this;
    var at = A.rowsAt + (s.charCodeAt(0) - OFF) * A.k;
    var row = A.text.substring(at, at + A.k).split("");
    A.rows[s] = row;
    return row;
  }

  function readyAutomaton(text, base, h) {
    return {
      kind: h.kind,
      cls: null,
      k: h.k,
      start: h.start,
      dead: DEAD,
      skip: h.skip === null ? null : new RegExp(h.skip, "g"),
      rows: {},
      acc: h.accepts,
      row: readyRow,
      classes: readyClasses,
      text: text,
      clsAt: base + h.cls,
      clsEnd: base + h.clsEnd,
      rowsAt: base + h.rows
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
    var list = [];
    for (var d = 0; d < detectors.length; d++) {
      var det = detectors[d];
      det.reverse = automata[det.reverseIndex];
      list.push({ id: det.id, category: det.category, severity: det.severity });
    }
    header.ruleSet.detectors = list;
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
