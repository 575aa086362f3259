// Response masking (RESPONSE_BLOCK_STYLE_MASK): each body finding's bytes are overwritten with
// its masked preview, or with `*` when the engine gave none. Offsets are UTF-8 byte offsets into
// the body as sent; Rhino strings are UTF-16, so they are converted first. Overlapping findings
// are merged into the earlier one.
var Palisade = Palisade || {};

Palisade.mask = (function () {
  "use strict";

  function stars(n) {
    var s = "";
    for (var i = 0; i < n; i++) s += "*";
    return s;
  }

  function maskBody(body, findings) {
    var spans = [];
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      if (f.fieldKind === "FIELD_KIND_BODY" && f.end > f.start) spans.push(f);
    }
    if (spans.length === 0) return body;
    spans.sort(function (a, b) {
      return a.start - b.start || b.end - a.end;
    });
    var offsets = [];
    for (var j = 0; j < spans.length; j++) offsets.push(spans[j].start, spans[j].end);
    var sorted = offsets.slice().sort(function (a, b) {
      return a - b;
    });
    var indexes = Palisade.text.utf16Indexes(body, sorted);
    var at = {};
    for (var k = 0; k < sorted.length; k++) at[sorted[k]] = indexes[k];
    var out = "";
    var cursor = 0;
    for (var m = 0; m < spans.length; m++) {
      var s = at[spans[m].start];
      var e = at[spans[m].end];
      if (s < cursor) continue; // overlaps a span already masked
      var length = e - s;
      var mask = spans[m].masked;
      if (!mask || mask.length !== length) mask = stars(length);
      out += body.substring(cursor, s) + mask;
      cursor = e;
    }
    return out + body.substring(cursor);
  }

  return { maskBody: maskBody };
})();
