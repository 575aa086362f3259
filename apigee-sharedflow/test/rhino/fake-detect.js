// Test double for the detection engine, used only while the real ES5 scanner (src/detect/) or the
// compiled built-in rules are not in the bundle yet (test/lib/bundle-fixture.ts decides). It finds
// Luhn-valid 16-digit card numbers and dashed US SSNs in the body and the query, with UTF-8 byte
// offsets for ASCII input, so the policy's own logic (verdicts, masking, events) can be tested.
/* global PalisadeDetect: true */
if (typeof PalisadeDetect === "undefined" || typeof PalisadeDetect.scanMessage !== "function") {
  PalisadeDetect = {
    scanMessage: function (ruleSet, message) {
      var out = [];
      function luhn(d) {
        var sum = 0;
        for (var i = 0; i < d.length; i++) {
          var n = d.charCodeAt(d.length - 1 - i) - 48;
          if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
          sum += n;
        }
        return sum % 10 === 0;
      }
      function scan(field, text) {
        var re = /\b(\d{16}|\d{3}-\d{2}-\d{4})\b/g;
        var m;
        while ((m = re.exec(text)) !== null) {
          var card = m[1].length === 16;
          if (card && !luhn(m[1])) continue;
          out.push({
            type: card ? "credit_card" : "us_ssn",
            field: field,
            start: m.index,
            end: m.index + m[1].length,
            confidence: 90,
            masked: card ? m[1].substring(0, 4) + "********" + m[1].substring(12) : "***-**-" + m[1].substring(7),
            severity: card ? "SEVERITY_CRITICAL" : "SEVERITY_HIGH",
            category: card ? "DATA_CATEGORY_PCI" : "DATA_CATEGORY_PII"
          });
        }
      }
      scan("body", message.body || "");
      scan("query", message.query || "");
      return out;
    }
  };
}
