/* global PalisadeDetect */
// Which SEARCH automata a segment needs at all (docs/detectors.md §4, a shortcut that changes no
// finding; the ES5 twin of wasm-filter/assembly/detect/search-prefilter.ts). Every byte has one
// feature (digit, upper, lower, `@`, `.`, ...). For each detector, the features every one of its
// matches must contain are read off its REVERSE automaton: feature f is required when no
// accepting state can be reached without a byte of f. A finding's bytes are a string its reverse
// automaton accepts, inside the segment, so a detector whose required features are not all in a
// segment has no finding there, and a SEARCH automaton none of whose detectors can have one need
// not run. derive() does the graph work once, when the ready form is written (JS-AcceptRules, the
// build); an execution only tests a segment for the few features that matter, with native RegExp
// tests (Rhino runs them in Java; a JavaScript loop over the bytes would cost what it saves).
PalisadeDetect.prefilter = (function () {
  "use strict";
  var OWN = "@.:/-_=+()#,$%&*\\<>!?[]'\";"; // punctuation patterns key on: a feature each
  var FEATURE_COUNT = 6 + OWN.length; // 32

  // The feature index of byte b (0-255).
  function featureOf(b) {
    if (b >= 48 && b <= 57) return 0;
    if (b >= 65 && b <= 90) return 1;
    if (b >= 97 && b <= 122) return 2;
    if (b === 32 || b === 9 || b === 13 || b === 10) return 3;
    if (b >= 0x80) return 4;
    var at = OWN.indexOf(String.fromCharCode(b));
    return at >= 0 ? 6 + at : 5; // 5: control bytes and the punctuation without a feature of its own
  }

  function hex2(b) {
    return (b < 16 ? "\\x0" : "\\x") + b.toString(16);
  }

  // The RegExp source of a character class holding exactly the bytes of feature f.
  function featureSource(f) {
    var out = "";
    for (var b = 0; b < 256; b++) {
      if (featureOf(b) !== f) continue;
      var e = b;
      while (e + 1 < 256 && featureOf(e + 1) === f) e++;
      out += hex2(b) + (e > b ? "-" + hex2(e) : "");
      b = e;
    }
    return "[" + out + "]";
  }

  // Per class of automaton A: bit f set when the class holds a byte that is not of feature f (a
  // path can cross that class and avoid f).
  function classAvoids(A) {
    var avoid = [];
    for (var c = 0; c < A.k; c++) avoid.push(0);
    for (var b = 0; b < 256; b++) avoid[A.cls[b]] |= ~(1 << featureOf(b));
    return avoid;
  }

  // The features every string accepted by reverse automaton R (at least one byte, never through
  // the dead state 0, which ends a reverse scan) contains, as a list of feature indexes.
  // avoid[s] bit f: some path from the start to s avoids f; the fixed point grows each state's
  // mask at most FEATURE_COUNT times.
  function requiredFeatures(R) {
    var classAvoid = classAvoids(R);
    var avoid = [];
    var queued = [];
    for (var s = 0; s < R.n; s++) {
      avoid.push(0);
      queued.push(false);
    }
    var work = [R.start];
    queued[R.start] = true;
    while (work.length) {
      var from = work.pop();
      queued[from] = false;
      var mask = from === R.start ? -1 : avoid[from];
      var row = R.rows[from] || R.row(from);
      for (var c = 0; c < R.k; c++) {
        var t = row[c];
        if (t === 0) continue;
        var grown = avoid[t] | (mask & classAvoid[c]);
        if (grown === avoid[t]) continue;
        avoid[t] = grown;
        if (!queued[t]) {
          queued[t] = true;
          work.push(t);
        }
      }
    }
    var avoidable = 0;
    for (var a = 1; a < R.n; a++) if (R.acc[a] !== 0 && R.acc[a] !== undefined) avoidable |= avoid[a];
    var required = [];
    for (var f = 0; f < FEATURE_COUNT; f++) if ((avoidable & (1 << f)) === 0) required.push(f);
    return required;
  }

  // The length of the shortest string R accepts (at least one byte, never through the dead
  // state 0): a segment shorter than that holds no match. Breadth-first over R's states.
  function shortestMatch(R) {
    var depth = [];
    for (var s = 0; s < R.n; s++) depth.push(-1);
    depth[R.start] = 0;
    var queue = [R.start];
    for (var q = 0; q < queue.length; q++) {
      var from = queue[q];
      var row = R.rows[from] || R.row(from);
      for (var c = 0; c < R.k; c++) {
        var t = row[c];
        if (t === 0) continue;
        if (R.acc[t] !== 0 && R.acc[t] !== undefined) return depth[from] + 1;
        if (depth[t] >= 0) continue;
        depth[t] = depth[from] + 1;
        queue.push(t);
      }
    }
    return Infinity;
  }

  function sameList(x, y) {
    if (x.length !== y.length) return false;
    for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }

  // A require-context detector's positive keywords as the source of a case-insensitive RegExp
  // (any of them, anywhere), or null when it has none: the scanner's gate (scan.js) asks whether
  // a segment's raw window holds one at all; the exact keyword test stays with the candidates.
  function keywordsSource(det) {
    var alts = [];
    for (var i = 0; i < det.positive.length; i++) {
      var w = det.positive[i];
      var esc = "";
      for (var j = 0; j < w.length; j++) {
        var c = w.charCodeAt(j);
        esc += (c >= 48 && c <= 57) || (c >= 97 && c <= 122) ? w.charAt(j) : "\\u" + (c + 0x10000).toString(16).substring(1);
      }
      if (esc.length) alts.push(esc);
    }
    return alts.length ? alts.join("|") : null;
  }

  // Prepared tables (tables.prepare) -> the prefilter in plain JSON:
  // { tests: [feature index -> RegExp source, or null when no detector requires it],
  //   need: [per SEARCH automaton (position in p.search): [{ f: feature indexes, g: detector,
  //           m: shortest match }]],
  //   words: { detector index: keywordsSource } }:
  // automaton a may find something in a segment of at least m bytes holding every feature f of
  // one of its entries, when the entry's g is -1 or require-context detector g may have context
  // there.
  function derive(p) {
    var required = [];
    var shortest = [];
    for (var d = 0; d < p.detectors.length; d++) {
      var R = p.detectors[d].reverse;
      for (var s = 0; s < R.n; s++) if (R.rows[s] === undefined) R.row(s); // fills R.acc too
      required.push(requiredFeatures(R));
      shortest.push(shortestMatch(R));
    }
    var used = [];
    var need = [];
    var words = {};
    for (var a = 0; a < p.search.length; a++) {
      var dets = p.automata[p.search[a]].source.dets; // the detectors this automaton reports
      var entries = [];
      for (var x = 0; x < dets.length; x++) {
        var det = p.detectors[dets[x]];
        var list = required[det.index];
        var g = det.requireContext ? det.index : -1;
        var m = shortest[det.index];
        if (m === Infinity) continue; // the detector matches nothing
        var dup = false;
        for (var y = 0; y < entries.length && !dup; y++) dup = entries[y].g === g && entries[y].m === m && sameList(entries[y].f, list);
        if (dup) continue;
        entries.push({ f: list, g: g, m: m });
        for (var z = 0; z < list.length; z++) used[list[z]] = true;
        if (g >= 0) words[g] = keywordsSource(det);
      }
      need.push(entries);
    }
    var tests = [];
    for (var f = 0; f < FEATURE_COUNT; f++) tests.push(used[f] === true ? featureSource(f) : null);
    return { tests: tests, need: need, words: words };
  }

  // derive()'s JSON -> what the scanner reads: the feature tests and keyword searches as RegExp
  // objects.
  function compile(json) {
    var tests = [];
    for (var f = 0; f < json.tests.length; f++) tests.push(json.tests[f] === null ? null : new RegExp(json.tests[f]));
    var words = {};
    for (var d in json.words) {
      if (Object.prototype.hasOwnProperty.call(json.words, d)) words[d] = json.words[d] === null ? null : new RegExp(json.words[d], "i");
    }
    // Per SEARCH automaton, the fewest bytes a segment needs for any of its entries: most JSON
    // values are shorter than that, and the scanner then skips the automaton without a call to
    // mayFind (a call per automaton and segment was a quarter of a cold 4 KiB scan in Rhino).
    // fewest: the same over every automaton, for the segments no automaton needs at all.
    // The entries as flat lists, their features as one bit mask each (FEATURE_COUNT is 32): a
    // segment is then tested in a few integer operations per entry.
    var shortest = [];
    var fewest = Infinity;
    var bits = [];
    var mins = [];
    var gates = [];
    for (var a = 0; a < json.need.length; a++) {
      var min = Infinity;
      var entries = json.need[a];
      bits.push([]);
      mins.push([]);
      gates.push([]);
      for (var e = 0; e < entries.length; e++) {
        if (entries[e].m < min) min = entries[e].m;
        var mask = 0;
        for (var x = 0; x < entries[e].f.length; x++) mask |= 1 << entries[e].f[x];
        bits[a].push(mask);
        mins[a].push(entries[e].m);
        gates[a].push(entries[e].g);
      }
      shortest.push(min);
      if (min < fewest) fewest = min;
    }
    return { tests: tests, need: json.need, words: words, shortest: shortest, fewest: fewest, bits: bits, mins: mins, gates: gates };
  }

  // Feature bit by character (chars 0-255), made on first use.
  var bitByChar = null;

  function makeBitByChar() {
    var codes = [];
    for (var b = 0; b < 256; b++) codes[b] = b;
    var chars = String.fromCharCode.apply(null, codes).split("");
    var out = {};
    for (var c = 0; c < 256; c++) out[chars[c]] = 1 << featureOf(c);
    return out;
  }

  // The features of `text` (char codes 0-255) as a bit mask: one native split and a table
  // lookup per byte, no call per byte. A segment asks for 3-4 features on average, and a RegExp
  // test per feature cost more in Rhino than this one pass (a 4 KiB JSON body: ~650 tests).
  function featuresOf(text) {
    var bits = bitByChar || (bitByChar = makeBitByChar());
    var chars = text.split("");
    var mask = 0;
    for (var i = 0; i < chars.length; i++) mask |= bits[chars[i]];
    return mask;
  }

  // Runs the feature tests of `unknown` (a bit mask) on text, lowest feature first, until one is
  // absent (the entry asking cannot match then), and records them in `has`.
  function learn(pf, text, has, unknown) {
    for (var f = 0; unknown !== 0; f++) {
      var bit = 1 << f;
      if ((unknown & bit) === 0) continue;
      unknown &= ~bit;
      has.known |= bit;
      if (!pf.tests[f].test(text)) return;
      has.present |= bit;
    }
  }

  // Whether SEARCH automaton a (position in p.search) may find something in the segment whose
  // bytes are `text` (char codes 0-255, at least one). `has`: the segment's feature tests so far,
  // { known, present } bit masks, filled here (a fresh segment: {}; or, all known at once,
  // { known: -1, present: featuresOf(text) }). gate(detector index,
  // gateArg): whether that require-context detector may have context in the segment.
  function mayFind(pf, a, text, has, gate, gateArg) {
    var bits = pf.bits[a];
    var mins = pf.mins[a];
    var gates = pf.gates[a];
    var n = text.length;
    for (var i = 0; i < bits.length; i++) {
      if (n < mins[i]) continue;
      var want = bits[i];
      var unknown = want & ~has.known;
      if (unknown !== 0) learn(pf, text, has, unknown);
      if ((has.present & want) === want && (gates[i] < 0 || gate(gates[i], gateArg))) return true;
    }
    return false;
  }

  return { derive: derive, compile: compile, mayFind: mayFind, featuresOf: featuresOf };
})();
