// Endpoint templates of Match.paths: `/v1/users/{id}` (a `{name}` matches exactly one non-empty
// segment) or a prefix ending in `/**` (the prefix itself and anything below it).

export class PathTemplate {
  segments: Array<string> = [];
  /** True for segments written `{name}`. */
  wildcard: Array<bool> = [];
  prefix: bool = false;
  source: string = "";

  matches(path: string): bool {
    // Compare segment by segment without splitting (no allocation on the request path).
    let pos = 1; // after the leading "/"
    const n = this.segments.length;
    for (let i = 0; i < n; i++) {
      if (pos > path.length) return false;
      let end = path.indexOf("/", pos);
      if (end < 0) end = path.length;
      const len = end - pos;
      if (this.wildcard[i]) {
        if (len == 0) return false;
      } else {
        const seg = this.segments[i];
        if (len != seg.length) return false;
        for (let j = 0; j < len; j++) if (path.charCodeAt(pos + j) != seg.charCodeAt(j)) return false;
      }
      pos = end + 1;
    }
    if (this.prefix) return true;
    // All segments consumed: the path must end here (a trailing slash is tolerated).
    return pos >= path.length;
  }
}

/** Parses a template; null when it does not start with `/` or has a malformed `{}` segment. */
export function parsePathTemplate(s: string): PathTemplate | null {
  if (!s.startsWith("/")) return null;
  const t = new PathTemplate();
  t.source = s;
  let body = s;
  if (body == "/**") {
    t.prefix = true;
    return t;
  }
  if (body.endsWith("/**")) {
    t.prefix = true;
    body = body.substring(0, body.length - 3);
  }
  if (body == "/") return t;
  const parts = body.substring(1).split("/");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.indexOf("*") >= 0) return null;
    const open = p.indexOf("{");
    const close = p.indexOf("}");
    if (open >= 0 || close >= 0) {
      if (open != 0 || close != p.length - 1 || p.length < 3) return null;
      t.segments.push("");
      t.wildcard.push(true);
    } else {
      t.segments.push(p);
      t.wildcard.push(false);
    }
  }
  return t;
}
