// How did the client authenticate? Read from the request only (RFC 9110 §11 Authorization,
// RFC 7519 JWT compact form), never validated: the gateway reports, the upstream authenticates.
import { HeaderPair } from "../abi/pairs";
import { AuthScheme, RequestInfo } from "./request-info";

// Header and query names that conventionally carry API keys.
const API_KEY_HEADERS: Array<string> = ["x-api-key", "api-key", "apikey", "x-apikey", "x-auth-token", "x-access-token"];
const API_KEY_PARAMS: Array<string> = ["api_key", "apikey", "api-key", "key", "access_token", "token"];
const SESSION_COOKIES: Array<string> = ["session", "sessionid", "sid", "jsessionid", "phpsessid", "connect.sid", "_session"];

/**
 * Does `prefix` (lower-case ASCII) start s at `at`, ASCII case ignored? Compared char by char,
 * without the substring and lower-cased copy.
 */
function startsWithIgnoreCase(s: string, prefix: string, at: i32 = 0): bool {
  const n = prefix.length;
  if (s.length - at < n) return false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(at + i);
    if (<u32>(c - 0x41) < 26) c |= 0x20; // A-Z to a-z
    if (c != prefix.charCodeAt(i)) return false;
  }
  return true;
}

function b64urlValue(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2d || c == 0x2b) return 62;
  if (c == 0x5f || c == 0x2f) return 63;
  return -1;
}

/** Decodes base64url (padding optional) to a Latin-1 string; null when not base64url. */
export function decodeBase64Url(s: string, maxBytes: i32): string | null {
  return decodeBase64UrlRange(s, 0, s.length, maxBytes);
}

/**
 * Decodes s[start, end) into one char per byte. The bytes go to a scratch buffer and become a
 * string once: appending char by char allocated a new string per byte on every JWT request.
 */
function decodeBase64UrlRange(s: string, start: i32, end: i32, maxBytes: i32): string | null {
  const out = new StaticArray<u16>(min(maxBytes + 1, ((end - start) * 3) / 4 + 1));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x3d) break;
    const v = b64urlValue(c);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= maxBytes) return null;
      unchecked((out[n++] = <u16>((acc >> bits) & 0xff)));
    }
  }
  return String.UTF16.decodeUnsafe(changetype<usize>(out), <usize>n << 1);
}

/** The `alg` of a JWT header segment, or null when `token` is not a JWT. */
export function jwtAlg(token: string): string | null {
  const first = token.indexOf(".");
  if (first <= 0) return null;
  const second = token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) return null;
  const header = decodeBase64UrlRange(token, 0, first, 1024);
  if (header === null || !header.startsWith("{")) return null;
  const key = header.indexOf('"alg"');
  if (key < 0) return null;
  const open = header.indexOf('"', header.indexOf(":", key) + 1);
  if (open < 0) return null;
  const close = header.indexOf('"', open + 1);
  if (close < 0) return null;
  return header.substring(open + 1, close);
}

/**
 * The first of `names` (lower-case ASCII) that names a query parameter with a value, compared in
 * place: every request with a query asks, and most carry no API key.
 */
function queryHasParam(query: string, names: Array<string>): string {
  const n = query.length;
  for (let from = 0; from < n; ) {
    let end = query.indexOf("&", from);
    if (end < 0) end = n;
    let eq = from;
    while (eq < end && query.charCodeAt(eq) != 0x3d) eq++;
    // A name, then `=` and at least one value character.
    if (eq + 1 < end) {
      const found = namedIn(query, from, eq, names);
      if (found.length > 0) return found;
    }
    from = end + 1;
  }
  return "";
}

/** The entry of `names` equal to s[from, to) lower-cased, or "". */
function namedIn(s: string, from: i32, to: i32, names: Array<string>): string {
  for (let i = from; i < to; i++) {
    // Beyond ASCII, toLowerCase() may map a character into ASCII (the Kelvin sign to `k`): as before.
    if (s.charCodeAt(i) >= 0x80) {
      const name = s.substring(from, to).toLowerCase();
      return names.includes(name) ? name : "";
    }
  }
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    if (name.length == to - from && startsWithIgnoreCase(s, name, from)) return name;
  }
  return "";
}

function queryValue(query: string, name: string): string {
  const parts = query.split("&");
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf("=");
    if (eq >= 0 && parts[i].substring(0, eq).toLowerCase() == name) return parts[i].substring(eq + 1);
  }
  return "";
}

function hasSessionCookie(headers: Array<HeaderPair>): bool {
  for (let i = 0; i < headers.length; i++) {
    if (headers[i].name != "cookie") continue;
    const cookies = headers[i].value.split(";");
    for (let j = 0; j < cookies.length; j++) {
      const c = cookies[j].trim();
      const eq = c.indexOf("=");
      if (eq > 0 && SESSION_COOKIES.includes(c.substring(0, eq).toLowerCase())) return true;
    }
  }
  return false;
}

/**
 * Sets req.authScheme, apiKey, apiKeyName and jwtAlg. Precedence: Authorization header, then
 * API-key headers, then API-key query parameters, then a client certificate, then a session
 * cookie.
 */
export function detectAuth(req: RequestInfo, mtls: bool): void {
  detectRequestAuth(req);
  if (mtls && clientCertificateDecides(req)) req.authScheme = AuthScheme.Mtls;
}

/**
 * After detectRequestAuth: would a client certificate change the scheme? Lets the filter ask the
 * host for `connection.mtls` only then (a property lookup per request otherwise).
 */
export function clientCertificateDecides(req: RequestInfo): bool {
  return req.authScheme == AuthScheme.None || req.authScheme == AuthScheme.Cookie;
}

let lastAuthorization: string | null = null;
let lastScheme: u32 = AuthScheme.None;
let lastApiKey: string = "";
let lastJwtAlg: string = "";

/** Sets the scheme, credential and JWT alg (else "") that an Authorization header value gives. */
function readAuthorization(req: RequestInfo, authorization: string): void {
  req.jwtAlg = "";
  const value = authorization.trim();
  if (startsWithIgnoreCase(value, "basic ")) {
    req.authScheme = AuthScheme.Basic;
    req.apiKey = value.substring(6).trim();
  } else if (startsWithIgnoreCase(value, "bearer ")) {
    const token = value.substring(7).trim();
    req.apiKey = token;
    const alg = jwtAlg(token);
    if (alg !== null) {
      req.authScheme = AuthScheme.Jwt;
      req.jwtAlg = alg;
    } else req.authScheme = AuthScheme.Bearer;
  } else {
    req.authScheme = AuthScheme.Other;
    req.apiKey = value;
  }
}

/** detectAuth from the request alone, as if no client certificate was presented. */
export function detectRequestAuth(req: RequestInfo): void {
  req.authScheme = AuthScheme.None;
  let authorization: string | null = null;
  const headers = req.headers;
  for (let i = 0, n = headers.length; i < n && authorization === null; i++) {
    const h = headers[i];
    if (h.name == "authorization") authorization = h.value;
  }
  if (authorization !== null) {
    // A client's requests repeat their credential: what the last Authorization value gave is kept.
    if (authorization != lastAuthorization) {
      readAuthorization(req, authorization);
      lastAuthorization = authorization;
      lastScheme = req.authScheme;
      lastApiKey = req.apiKey;
      lastJwtAlg = req.jwtAlg;
    }
    req.authScheme = lastScheme;
    req.apiKey = lastApiKey;
    req.jwtAlg = lastJwtAlg;
    req.apiKeyName = "authorization";
    return;
  }
  for (let i = 0, n = headers.length; i < n; i++) {
    const h = headers[i];
    if (API_KEY_HEADERS.includes(h.name) && h.value.length > 0) {
      req.authScheme = AuthScheme.ApiKeyHeader;
      req.apiKey = h.value;
      req.apiKeyName = h.name;
      return;
    }
  }
  const param = queryHasParam(req.query, API_KEY_PARAMS);
  if (param.length > 0) {
    req.authScheme = AuthScheme.ApiKeyQuery;
    req.apiKeyName = param;
    req.apiKey = queryValue(req.query, param);
    return;
  }
  if (hasSessionCookie(req.headers)) req.authScheme = AuthScheme.Cookie;
}
