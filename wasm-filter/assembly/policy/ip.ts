// IP addresses and CIDR blocks as 16 bytes (IPv4 mapped into ::ffff:0:0/96, RFC 4291 §2.5.5.2) so
// one comparison loop serves both families. Parsers return null on malformed input.

export class IpAddress {
  bytes: StaticArray<u8> = new StaticArray<u8>(16);
  isV4: bool = false;
}

function parseV4Into(s: string, out: StaticArray<u8>, offset: i32): bool {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c == 0x2e) {
      if (digits == 0 || part > 3) return false;
      out[offset + part] = <u8>value;
      part++;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      digits++;
      if (value > 255 || digits > 3) return false;
    } else return false;
  }
  return part == 4;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function parseV6(s: string, out: StaticArray<u8>): bool {
  // Split on "::" at most once; each side is a list of 16-bit groups (the last may be dotted IPv4).
  const dbl = s.indexOf("::");
  if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return false;
  const head = dbl >= 0 ? s.substring(0, dbl) : s;
  const tail = dbl >= 0 ? s.substring(dbl + 2) : "";
  const groups = new StaticArray<u16>(8);
  const headGroups = new Array<u16>();
  const tailGroups = new Array<u16>();
  if (!parseGroups(head, headGroups) || !parseGroups(tail, tailGroups)) return false;
  const total = headGroups.length + tailGroups.length;
  if (dbl < 0 && total != 8) return false;
  if (dbl >= 0 && total > 7) return false;
  for (let i = 0; i < headGroups.length; i++) groups[i] = headGroups[i];
  for (let i = 0; i < tailGroups.length; i++) groups[8 - tailGroups.length + i] = tailGroups[i];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = <u8>(groups[i] >> 8);
    out[2 * i + 1] = <u8>(groups[i] & 0xff);
  }
  return true;
}

function parseGroups(s: string, out: Array<u16>): bool {
  if (s.length == 0) return true;
  const parts = s.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i == parts.length - 1 && p.indexOf(".") >= 0) {
      const v4 = new StaticArray<u8>(4);
      if (!parseV4Into(p, v4, 0)) return false;
      out.push(((<u16>v4[0]) << 8) | v4[1]);
      out.push(((<u16>v4[2]) << 8) | v4[3]);
      continue;
    }
    if (p.length == 0 || p.length > 4) return false;
    let v = 0;
    for (let j = 0; j < p.length; j++) {
      const h = hexValue(p.charCodeAt(j));
      if (h < 0) return false;
      v = (v << 4) | h;
    }
    out.push(<u16>v);
  }
  return true;
}

/** Parses `1.2.3.4` or an IPv6 literal (no brackets, no zone). */
export function parseIp(s: string): IpAddress | null {
  const ip = new IpAddress();
  if (s.indexOf(":") < 0) {
    if (!parseV4Into(s, ip.bytes, 12)) return null;
    ip.bytes[10] = 0xff;
    ip.bytes[11] = 0xff;
    ip.isV4 = true;
    return ip;
  }
  const zone = s.indexOf("%");
  if (!parseV6(zone >= 0 ? s.substring(0, zone) : s, ip.bytes)) return null;
  return ip;
}

/**
 * Strips the port from Envoy's `source.address` (`1.2.3.4:5678`, `[::1]:5678`) and returns the
 * address part, or the input when it carries no port.
 */
export function stripPort(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end > 0 ? address.substring(1, end) : address;
  }
  const colon = address.indexOf(":");
  if (colon >= 0 && address.indexOf(":", colon + 1) < 0) return address.substring(0, colon);
  return address;
}

export class Cidr {
  network: IpAddress = new IpAddress();
  /** Prefix length over the 128-bit form (IPv4 prefixes are offset by 96). */
  bits: i32 = 0;

  contains(ip: IpAddress): bool {
    if (ip.isV4 != this.network.isV4) return false;
    const full = this.bits >> 3;
    for (let i = 0; i < full; i++) if (ip.bytes[i] != this.network.bytes[i]) return false;
    const rest: i32 = this.bits & 7;
    if (rest == 0) return true;
    const mask = <u8>((<i32>0xff << (8 - rest)) & 0xff);
    return (ip.bytes[full] & mask) == (this.network.bytes[full] & mask);
  }
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a host route). */
export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf("/");
  const ip = parseIp(slash >= 0 ? s.substring(0, slash) : s);
  if (ip === null) return null;
  const max = ip.isV4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const text = s.substring(slash + 1);
    if (text.length == 0 || text.length > 3) return null;
    bits = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
      bits = bits * 10 + (c - 0x30);
    }
    if (bits > max) return null;
  }
  const cidr = new Cidr();
  cidr.network = ip;
  cidr.bits = ip.isV4 ? bits + 96 : bits;
  return cidr;
}
