// Parameter inventory for ApiEvent.params (names, inferred types and, for query parameters, the
// keyed hash of a token-like value; the value only when released: value-hash.ts) and the
// content-type gate for body inspection.
import { EventParam, JSON_BOOLEAN, JSON_INTEGER, JSON_NUMBER, JSON_STRING } from "./event";
import { RequestInfo } from "../policy/request-info";
import { formatOf } from "./format";
import { ByteBuf } from "../detect/segment";
import { percentDecodeInto } from "./path-privacy";
import { releasedValue, valueHashOf, valuesContext } from "./value-hash";
import { sameAscii } from "../util/ascii";

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

/**
 * JSON type the UTF-8 value [p, p+n) looks like. Only ASCII decides (any other byte makes a
 * string), so it is the type of the decoded text too.
 */
export function valueTypeAt(p: usize, n: usize): u32 {
  if (n == 0 || n > 20) return JSON_STRING;
  if (sameBytes(p, n, "true") || sameBytes(p, n, "false")) return JSON_BOOLEAN;
  let digits = 0;
  let dot = false;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c == 0x2d && i == 0) continue;
    else if (c == 0x2e && !dot) dot = true;
    else return JSON_STRING;
  }
  if (digits == 0) return JSON_STRING;
  return dot ? JSON_NUMBER : JSON_INTEGER;
}

/** Whether [p, p+n) is the ASCII string s. */
function sameBytes(p: usize, n: usize, s: string): bool {
  if (n != <usize>s.length) return false;
  for (let i: usize = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>s.charCodeAt(<i32>i)) return false;
  return true;
}

/** Percent-decoded query values (reused: one is worked on at a time). */
const decodedValue = new ByteBuf();

/**
 * A parameter with the type and (for strings) the format its UTF-8 value [p, p+n) looks like;
 * query values are percent-decoded first so `a%40b.example` is an email.
 */
function paramAt(name: string, kind: u32, p: usize, n: usize, encoded: bool): EventParam {
  const type = valueTypeAt(p, n);
  const param = new EventParam(name, kind, type);
  if (type == JSON_STRING) {
    if (encoded) {
      percentDecodeInto(p, n, decodedValue);
      p = decodedValue.ptr;
      n = decodedValue.len;
    }
    const format = formatOf(p, n);
    param.format = format;
    // Query values only (location `q`, path = the name as sent), decoded (value-hash.ts).
    if (kind == FIELD_QUERY && format.length == 0) {
      param.valueHash = valueHashOf(name, p, n);
      param.value = releasedValue;
    }
  }
  return param;
}

function param(name: string, kind: u32, value: string): EventParam {
  const b = String.UTF8.encode(value);
  return paramAt(name, kind, changetype<usize>(b), <usize>b.byteLength, false);
}

// @ts-ignore: decorator
@inline const KEPT_NAMES: i32 = 16;
/** The query parameter names of the last queries, by position: requests repeat their endpoints. */
const keptNames = new Array<string>();

/** The name [p, p + n) of query parameter number k: the last one at k when the bytes spell it. */
function queryNameAt(k: i32, p: usize, n: usize): string {
  if (k < keptNames.length && sameAscii(unchecked(keptNames[k]), p, n)) return unchecked(keptNames[k]); // k < length
  const name = String.UTF8.decodeUnsafe(p, n);
  if (k < keptNames.length) unchecked((keptNames[k] = name));
  else if (k == keptNames.length && k < KEPT_NAMES) keptNames.push(name);
  return name;
}

/** UTF-8 of the query being listed (a global: read through raw pointers across allocations). */
let queryBytes = new ArrayBuffer(0);

// The parameters of the last query, while requests repeat it: a repeated :path gives the same
// query string (exchange.ts), held here so no other string can take its address, and its
// parameters, value hashes included (always at the query location), are those of last time under
// the same value-hash context.
// Shared by the events: EventParam is only read once made.
let keptQuery: string = "";
let keptContext: u32 = 0;
const keptParams = new Array<EventParam>();

/** ApiEvent.params of `req` into `out` (empty): the query's parameters, then the uncommon headers. */
export function inferParams(req: RequestInfo, out: Array<EventParam>): void {
  if (req.query.length > 0 && changetype<usize>(req.query) == changetype<usize>(keptQuery) && valuesContext == keptContext) {
    for (let i = 0; i < keptParams.length; i++) out.push(unchecked(keptParams[i])); // i < length
  } else if (req.query.length > 0) {
    // One UTF-8 copy; parameters are cut from it in place (`&` never occurs inside a multi-byte
    // sequence), only names become strings.
    queryBytes = String.UTF8.encode(req.query);
    const base = changetype<usize>(queryBytes);
    const n = <usize>queryBytes.byteLength;
    for (let from: usize = 0; from < n && out.length < MAX_PARAMS; ) {
      let end = from;
      while (end < n && load<u8>(base + end) != 0x26) end++;
      if (end > from) {
        let eq = from;
        while (eq < end && load<u8>(base + eq) != 0x3d) eq++;
        const value = eq < end ? eq + 1 : end;
        out.push(paramAt(queryNameAt(out.length, base + from, eq - from), FIELD_QUERY, base + value, end - value, true));
      }
      from = end + 1;
    }
    keptParams.length = 0;
    for (let i = 0; i < out.length; i++) keptParams.push(unchecked(out[i])); // i < length
    keptQuery = req.query;
    keptContext = valuesContext;
  }
  for (let i = 0; i < req.headers.length && out.length < MAX_PARAMS; i++) {
    const h = req.headers[i];
    if (h.name == "cookie") {
      const cookies = h.value.split(";");
      for (let j = 0; j < cookies.length && out.length < MAX_PARAMS; j++) {
        const c = cookies[j].trim();
        const eq = c.indexOf("=");
        if (eq > 0) out.push(param(c.substring(0, eq), FIELD_COOKIE, c.substring(eq + 1)));
      }
      continue;
    }
    if ((h.name.length > 0 && h.name.charCodeAt(0) == 0x3a) || isCommonHeader(h.name)) continue; // 0x3a ":" pseudo-headers
    out.push(param(h.name, FIELD_HEADER, h.value));
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
