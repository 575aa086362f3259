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

  // A template the filter would accept: starts with `/`, `{name}` only as a whole segment, `*`
  // only in a final `/**`.
  function valid(template) {
    if (typeof template !== "string" || template.charAt(0) !== "/") return false;
    var body = template;
    if (body === "/**") return true;
    if (Palisade.text.endsWith(body, "/**")) body = body.substring(0, body.length - 3);
    if (body === "/") return true;
    var parts = body.substring(1).split("/");
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i];
      if (p.indexOf("*") >= 0) return false;
      var open = p.indexOf("{");
      var close = p.indexOf("}");
      if ((open >= 0 || close >= 0) && (open !== 0 || close !== p.length - 1 || p.length < 3)) return false;
    }
    return true;
  }

  return { matches: matches, valid: valid };
})();
