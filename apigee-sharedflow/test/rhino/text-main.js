// Test main (test/text-utf8.test.ts): runs Palisade.text's UTF-8 helpers over `test.cases`
// ([{ s, max, offsets }]) and writes [{ length, prefix, indexes }] to `test.results` (prefix: its
// length, as lone surrogates would not survive the way back).
/* global Palisade */
(function () {
  "use strict";
  var cases = JSON.parse(String(context.getVariable("test.cases")));
  var out = [];
  for (var i = 0; i < cases.length; i++) {
    var c = cases[i];
    out.push({
      length: Palisade.text.utf8Length(c.s),
      prefix: Palisade.text.truncateUtf8(c.s, c.max).length,
      indexes: Palisade.text.utf16Indexes(c.s, c.offsets)
    });
  }
  context.setVariable("test.results", JSON.stringify(out));
})();
