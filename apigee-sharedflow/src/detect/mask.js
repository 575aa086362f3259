/* global PalisadeDetect */
// Masked previews (docs/detectors.md §8): computed from the decoded match, ASCII only, never the
// value itself.
PalisadeDetect.mask = (function () {
  "use strict";

  function stars(n) {
    var s = "";
    for (var i = 0; i < n; i++) s += "*";
    return s;
  }

  function keep(m, from, to) {
    var s = "";
    for (var i = from; i < to; i++) s += m[i] >= 0x21 && m[i] <= 0x7e ? String.fromCharCode(m[i]) : "*";
    return s;
  }

  // Preview of m[a, b) in `style` (enum name or number).
  function preview(style, m, a, b) {
    var n = b - a;
    var st =
      typeof style === "number"
        ? ["", "MASK_STYLE_KEEP_ENDS", "MASK_STYLE_KEEP_LAST4", "MASK_STYLE_EMAIL", "MASK_STYLE_ALL", "MASK_STYLE_KEEP_PREFIX"][style]
        : style;
    if (st === "MASK_STYLE_KEEP_ENDS") {
      if (n <= 8) return stars(n);
      return keep(m, a, a + 4) + stars(Math.min(n - 8, 12)) + keep(m, b - 4, b);
    }
    if (st === "MASK_STYLE_KEEP_LAST4") {
      if (n <= 4) return stars(n);
      return stars(Math.min(n - 4, 12)) + keep(m, b - 4, b);
    }
    if (st === "MASK_STYLE_EMAIL") {
      var k = -1;
      for (var i = b - 1; i >= a; i--) {
        if (m[i] === 64) {
          k = i - a;
          break;
        }
      }
      if (k >= 1) {
        var out = keep(m, a, a + 1) + "***" + keep(m, a + k, b);
        return out.length > 64 ? out.substring(0, 64) : out;
      }
      return "********";
    }
    if (st === "MASK_STYLE_KEEP_PREFIX") {
      var p = -1;
      var lim = Math.min(9, n);
      for (var j = 0; j < lim; j++) if (m[a + j] === 95 || m[a + j] === 45) p = j;
      p = p >= 0 ? p + 1 : 4;
      p = Math.min(p, n - 1);
      if (p < 0) p = 0;
      return keep(m, a, a + p) + stars(Math.min(n - p, 8));
    }
    return "********";
  }

  return { preview: preview };
})();
