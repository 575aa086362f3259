// Test main (test/value-hash.test.ts): runs Palisade.valueHash over `test.cases` ([{ key, location,
// path, value }]) and writes [{ hex, decimal }] to `test.results` (decimal: the hash as the
// release list's fixed64, "" when no hash).
/* global Palisade */
(function () {
  "use strict";
  var VH = Palisade.valueHash;
  var cases = JSON.parse(String(context.getVariable("test.cases")));
  var out = [];
  for (var i = 0; i < cases.length; i++) {
    var c = cases[i];
    var field = {};
    VH.hasher(VH.keyOf(c.key), c.location, null)(field, c.path, c.value);
    var hex = VH.hex(VH.keyOf(c.key), c.location, c.path, c.value);
    var bytes = [];
    for (var b = 0; b < hex.length; b += 2) bytes.push(parseInt(hex.substr(b, 2), 16));
    out.push({ hex: hex, base64: field.valueHash || "", decimal: hex ? VH.decimal(bytes) : "" });
  }
  context.setVariable("test.results", JSON.stringify(out));
})();
