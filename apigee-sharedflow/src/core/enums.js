// The proto enums the policy reads, by name and number. Canonical proto JSON carries enum NAMES
// (`ACTION_BLOCK`), but a proto3 JSON parser must also accept numbers, and an omitted field means
// the zero value `*_UNSPECIFIED` (common.proto conventions); `name()` normalises all three.
var Palisade = Palisade || {};

Palisade.enums = (function () {
  "use strict";

  var TABLES = {
    Action: ["ACTION_UNSPECIFIED", "ACTION_LOG", "ACTION_RATE_LIMIT", "ACTION_BLOCK"],
    Mode: ["MODE_UNSPECIFIED", "MODE_MONITOR", "MODE_ENFORCE"],
    Severity: ["SEVERITY_UNSPECIFIED", "SEVERITY_INFO", "SEVERITY_LOW", "SEVERITY_MEDIUM", "SEVERITY_HIGH", "SEVERITY_CRITICAL"],
    DataCategory: [
      "DATA_CATEGORY_UNSPECIFIED",
      "DATA_CATEGORY_PII",
      "DATA_CATEGORY_PCI",
      "DATA_CATEGORY_CPNI",
      "DATA_CATEGORY_CREDENTIALS",
      "DATA_CATEGORY_ERRORS"
    ],
    Direction: ["DIRECTION_UNSPECIFIED", "DIRECTION_REQUEST", "DIRECTION_RESPONSE"],
    FailureMode: ["FAILURE_MODE_UNSPECIFIED", "FAILURE_MODE_OPEN", "FAILURE_MODE_CLOSED"],
    RateLimitKey: [
      "RATE_LIMIT_KEY_UNSPECIFIED",
      "RATE_LIMIT_KEY_CLIENT_IP",
      "RATE_LIMIT_KEY_API_KEY",
      "RATE_LIMIT_KEY_HEADER",
      "RATE_LIMIT_KEY_GLOBAL"
    ],
    ResponseBlockStyle: [
      "RESPONSE_BLOCK_STYLE_UNSPECIFIED",
      "RESPONSE_BLOCK_STYLE_ERROR",
      "RESPONSE_BLOCK_STYLE_REPLACE_BODY",
      "RESPONSE_BLOCK_STYLE_MASK"
    ],
    AuthScheme: [
      "AUTH_SCHEME_UNSPECIFIED",
      "AUTH_SCHEME_NONE",
      "AUTH_SCHEME_BASIC",
      "AUTH_SCHEME_BEARER",
      "AUTH_SCHEME_JWT",
      "AUTH_SCHEME_API_KEY_HEADER",
      "AUTH_SCHEME_API_KEY_QUERY",
      "AUTH_SCHEME_MTLS",
      "AUTH_SCHEME_COOKIE",
      "AUTH_SCHEME_OTHER"
    ]
  };

  // The enum value's name; unknown numbers and names fall back to the zero value, as proto3
  // readers treat unknown enum values as "not set".
  function name(enumName, value) {
    var table = TABLES[enumName];
    if (typeof value === "number") return table[value] || table[0];
    if (typeof value === "string") {
      if (/^\d+$/.test(value)) return table[parseInt(value, 10)] || table[0];
      return table.indexOf(value) >= 0 ? value : table[0];
    }
    return table[0];
  }

  function number(enumName, value) {
    return TABLES[enumName].indexOf(name(enumName, value));
  }

  return { name: name, number: number };
})();
