// Parameter inventory for ApiEvent.params (names, inferred types and, for query parameters, the
// keyed hash of a token-like value; the value only when released: value-hash.ts) and the
// content-type gate for body inspection.
import { EventParam, JSON_BOOLEAN, JSON_INTEGER, JSON_NUMBER, JSON_STRING } from "./event";
import { RequestInfo } from "../policy/request-info";
import { formatOf } from "./format";
import { percentDecode } from "./path-privacy";
import { releasedValue, valueHashOf } from "./value-hash";

// @ts-ignore: decorator
@inline const MAX_PARAMS: i32 = 64;
const FIELD_QUERY: u32 = 2;
const FIELD_HEADER: u32 = 3;
const FIELD_COOKIE: u32 = 5;

// Headers every client sends: listing them per endpoint is noise for the inventory.
const COMMON_HEADER_LIST: Array<string> = [
  "accept",
  "accept-encoding",
  "accept-language",
  "connection",
  "content-length",
  "content-type",
  "cookie",
  "host",
  "user-agent",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-request-id",
  "x-envoy-expected-rq-timeout-ms",
  "x-envoy-internal",
  "authorization",
];
// @ts-ignore: decorator
@inline const MAX_COMMON_LENGTH: i32 = 32;
/** The common header names by length: a name is compared only with those of its own length. */
const COMMON_BY_LENGTH = new StaticArray<Array<string> | null>(MAX_COMMON_LENGTH);
for (let i = 0; i < COMMON_HEADER_LIST.length; i++) {
  const name = COMMON_HEADER_LIST[i];
  let same = COMMON_BY_LENGTH[name.length];
  if (same === null) {
    same = new Array<string>();
    COMMON_BY_LENGTH[name.length] = same;
  }
  same.push(name);
}

function isCommonHeader(name: string): bool {
  const n = name.length;
  if (n >= MAX_COMMON_LENGTH) return false;
  const same = unchecked(COMMON_BY_LENGTH[n]); // n < MAX_COMMON_LENGTH = length
  if (same === null) return false;
  for (let i = 0; i < same.length; i++) {
    if (memory.compare(changetype<usize>(unchecked(same[i])), changetype<usize>(name), <usize>n << 1) == 0) return true;
  }
  return false;
}

/** JSON type a textual value looks like. */
export function valueType(v: string): u32 {
  if (v == "true" || v == "false") return JSON_BOOLEAN;
  if (v.length == 0 || v.length > 20) return JSON_STRING;
  let digits = 0;
  let dot = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c == 0x2d && i == 0) continue;
    else if (c == 0x2e && !dot) dot = true;
    else return JSON_STRING;
  }
  if (digits == 0) return JSON_STRING;
  return dot ? JSON_NUMBER : JSON_INTEGER;
}

/** A parameter with the type and (for strings) the format its value looks like; query values are
 * percent-decoded first so `a%40b.example` is an email. */
function param(name: string, kind: u32, value: string, encoded: bool): EventParam {
  const type = valueType(value);
  const p = new EventParam(name, kind, type);
  if (type == JSON_STRING) {
    let b = String.UTF8.encode(value);
    if (encoded) b = percentDecode(changetype<usize>(b), <usize>b.byteLength);
    const format = formatOf(changetype<usize>(b), <usize>b.byteLength);
    p.format = format;
    // Query values only (location `q`, path = the name as sent), decoded (value-hash.ts).
    if (kind == FIELD_QUERY && format.length == 0) {
      p.valueHash = valueHashOf(name, changetype<usize>(b), <usize>b.byteLength);
      p.value = releasedValue;
    }
  }
  return p;
}

export function inferParams(req: RequestInfo, out: Array<EventParam>): void {
  if (req.query.length > 0) {
    const parts = req.query.split("&");
    for (let i = 0; i < parts.length && out.length < MAX_PARAMS; i++) {
      if (parts[i].length == 0) continue;
      const eq = parts[i].indexOf("=");
      const name = eq >= 0 ? parts[i].substring(0, eq) : parts[i];
      const value = eq >= 0 ? parts[i].substring(eq + 1) : "";
      out.push(param(name, FIELD_QUERY, value, true));
    }
  }
  for (let i = 0; i < req.headers.length && out.length < MAX_PARAMS; i++) {
    const h = req.headers[i];
    if (h.name == "cookie") {
      const cookies = h.value.split(";");
      for (let j = 0; j < cookies.length && out.length < MAX_PARAMS; j++) {
        const c = cookies[j].trim();
        const eq = c.indexOf("=");
        if (eq > 0) out.push(param(c.substring(0, eq), FIELD_COOKIE, c.substring(eq + 1), false));
      }
      continue;
    }
    if ((h.name.length > 0 && h.name.charCodeAt(0) == 0x3a) || isCommonHeader(h.name)) continue; // 0x3a ":" pseudo-headers
    out.push(param(h.name, FIELD_HEADER, h.value, false));
  }
}

/**
 * Is `media` (a content type without parameters, trimmed, lower case) in `types` (`text/*`
 * matches a whole type, `*+json` a suffix)? Compared in place: this runs for every body.
 */
export function mediaTypeInspectable(media: string, types: Array<string>): bool {
  if (media.length == 0) return false;
  for (let i = 0; i < types.length; i++) {
    const t = types[i];
    if (t == media) return true;
    const n = t.length;
    // `text/*`: `text/` starts the media type.
    if (n >= 2 && t.charCodeAt(n - 1) == 0x2a && t.charCodeAt(n - 2) == 0x2f && sameUnits(media, 0, t, 0, n - 1)) return true;
    // `application/*+json` style suffix entries: `+json` ends it.
    if (n >= 2 && t.charCodeAt(0) == 0x2a && t.charCodeAt(1) == 0x2b && sameUnits(media, media.length - (n - 1), t, 1, n - 1)) return true;
  }
  return false;
}

/** Whether a[aAt, aAt + n) equals b[bAt, bAt + n); false when either is too short. */
function sameUnits(a: string, aAt: i32, b: string, bAt: i32, n: i32): bool {
  if (aAt < 0 || aAt + n > a.length || bAt + n > b.length) return false;
  return memory.compare(changetype<usize>(a) + (<usize>aAt << 1), changetype<usize>(b) + (<usize>bAt << 1), <usize>n << 1) == 0;
}
