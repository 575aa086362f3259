// Format hints for string values (telemetry.proto FieldShape.format / Parameter.format): the same
// vocabulary and rules as the Apigee policy's `formatOf` (apigee-sharedflow/src/core/shape.js),
// written as byte checks because the filter has no regular expressions. Never keeps the value.

const DATE = "dddd-dd-dd";

function hex(c: u32): bool {
  return c - 48 < 10 || (c | 0x20) - 97 < 6;
}

function letter(c: u32): bool {
  return (c | 0x20) - 97 < 26;
}

function space(c: u32): bool {
  return c == 32 || c - 9 < 5; // space, \t \n \v \f \r
}

/** Does [p+at, p+at+pattern.length) fit `pattern`: `d` a digit, `h` a hex digit, else itself? */
function like(p: usize, n: usize, at: usize, pattern: string): bool {
  if (at + <usize>pattern.length > n) return false;
  for (let i = 0; i < pattern.length; i++) {
    const k = <u32>pattern.charCodeAt(i);
    const c = <u32>load<u8>(p + at + i);
    if (k == 100 ? c - 48 >= 10 : k == 104 ? !hex(c) : c != k) return false;
  }
  return true;
}

/** date `T|space` hh:mm [:ss[.f+]] [Z | ±hh[:]mm] */
function isDateTime(p: usize, n: usize): bool {
  const t = n > 10 ? load<u8>(p + 10) : 0;
  if ((t != 84 && t != 32) || !like(p, n, 0, DATE) || !like(p, n, 11, "dd:dd")) return false;
  let i: usize = 16;
  if (like(p, n, i, ":dd")) {
    i += 3;
    if (like(p, n, i, ".d")) for (i += 2; like(p, n, i, "d"); i++);
  }
  if (i == n) return true;
  const z = load<u8>(p + i);
  if (z == 90) return i + 1 == n;
  return (z == 43 || z == 45) && ((n - i == 5 && like(p, n, i + 1, "dddd")) || (n - i == 6 && like(p, n, i + 1, "dd:dd")));
}

/** local@domain.tld: one `@`, no spaces, a dot with something before it and 2+ letters after. */
function isEmail(p: usize, n: usize): bool {
  let at: isize = -1;
  let dot: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (space(c)) return false;
    if (c == 64) {
      if (at >= 0) return false;
      at = <isize>i;
    } else if (c == 46 && at >= 0) dot = i;
  }
  if (at < 1 || dot < <usize>at + 2 || n - dot < 3) return false;
  for (let i = dot + 1; i < n; i++) if (!letter(load<u8>(p + i))) return false;
  return true;
}

/** Four decimal octets 0-255 without leading zeros. */
function isIpv4(p: usize, n: usize): bool {
  let parts = 0;
  let from: usize = 0;
  for (let i: usize = 0; i <= n; i++) {
    if (i < n && load<u8>(p + i) != 46) continue;
    const len = i - from;
    if (len < 1 || len > 3 || (len > 1 && load<u8>(p + from) == 48)) return false;
    let v: u32 = 0;
    for (let k = from; k < i; k++) {
      const c = <u32>load<u8>(p + k) - 48;
      if (c >= 10) return false;
      v = v * 10 + c;
    }
    if (v > 255) return false;
    parts++;
    from = i + 1;
  }
  return parts == 4;
}

/** Hex digits and colons (two at least), dots only after the second colon. */
function isIpv6(p: usize, n: usize): bool {
  let colons = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 58) colons++;
    else if (c == 46 ? colons < 2 : !hex(c)) return false;
  }
  return colons >= 2;
}

/** scheme://rest with no spaces. */
function isUri(p: usize, n: usize): bool {
  if (n == 0 || !letter(load<u8>(p))) return false;
  let i: usize = 1;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (!(letter(c) || c - 48 < 10 || c == 43 || c == 46 || c == 45)) break;
  }
  if (i + 3 >= n || load<u8>(p + i) != 58 || load<u16>(p + i + 1) != 0x2f2f) return false;
  for (i += 3; i < n; i++) if (space(load<u8>(p + i))) return false;
  return true;
}

/** Format of the UTF-8 string [p, p+n), or "" (also for strings over 256 bytes). */
export function formatOf(p: usize, n: usize): string {
  if (n > 256) return "";
  if (isDateTime(p, n)) return "date-time";
  if (n == 10 && like(p, n, 0, DATE)) return "date";
  if (isEmail(p, n)) return "email";
  if (n == 36 && like(p, n, 0, "hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh")) return "uuid";
  if (isIpv4(p, n)) return "ipv4";
  if (isIpv6(p, n)) return "ipv6";
  if (isUri(p, n)) return "uri";
  return "";
}
