// Path templates of policy matches (rules.proto Match.paths): `/v1/users/{id}` where `{name}`
// matches exactly one non-empty segment, or a prefix ending in `/**` that matches the prefix
// itself and everything below it. Literal segments compare exactly (paths are case-sensitive).
var Palisade = Palisade || {};

Palisade.pathTemplate = (function () {
  "use strict";

  function isParam(segment) {
    return segment.length >= 2 && segment.charAt(0) === "{" && segment.charAt(segment.length - 1) === "}";
  }

  function matches(template, path) {
    // A trailing slash is tolerated, as in the filter: `/v1/users/5/` matches `/v1/users/{id}`.
    if (path.length > 1 && path.charAt(path.length - 1) === "/") path = path.substring(0, path.length - 1);
    var t = template.split("/");
    var p = path.split("/");
    var wildcard = t.length > 0 && t[t.length - 1] === "**";
    if (wildcard) t.pop();
    // With `/**`, the path needs at least the prefix's segments: `/v1/**` matches `/v1`, `/v1/`
    // and `/v1/a/b`, not `/v2`.
    if (wildcard ? p.length < t.length : p.length !== t.length) return false;
    for (var i = 0; i < t.length; i++) {
      if (isParam(t[i])) {
        if (p[i].length === 0) return false;
      } else if (t[i] !== p[i]) {
        return false;
      }
    }
    return true;
  }

  return { matches: matches };
})();
