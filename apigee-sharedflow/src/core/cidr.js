// Client networks of policy matches (rules.proto Match.client_cidrs): IPv4 and IPv6 CIDR blocks.
// Parsers return null on malformed input instead of throwing, so one bad entry in a rule set
// cannot break inspection; a malformed CIDR simply never matches.
var Palisade = Palisade || {};

Palisade.cidr = (function () {
  "use strict";

  // IPv4 → array of 4 bytes, or null.
  function parseV4(s) {
    var parts = s.split(".");
    if (parts.length !== 4) return null;
    var out = [];
    for (var i = 0; i < 4; i++) {
      if (!/^\d{1,3}$/.test(parts[i])) return null;
      var n = parseInt(parts[i], 10);
      if (n > 255) return null;
      out.push(n);
    }
    return out;
  }

  // IPv6 (with `::` compression and an optional trailing dotted IPv4) → array of 16 bytes, or null.
  function parseV6(s) {
    var zone = s.indexOf("%");
    if (zone >= 0) s = s.substring(0, zone);
    var halves = s.split("::");
    if (halves.length > 2) return null;
    function groups(part) {
      if (part === "") return [];
      var list = part.split(":");
      var bytes = [];
      for (var i = 0; i < list.length; i++) {
        var g = list[i];
        if (i === list.length - 1 && g.indexOf(".") >= 0) {
          var v4 = parseV4(g);
          if (!v4) return null;
          bytes.push(v4[0], v4[1], v4[2], v4[3]);
        } else {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
          var n = parseInt(g, 16);
          bytes.push(n >> 8, n & 255);
        }
      }
      return bytes;
    }
    var head = groups(halves[0]);
    var tail = halves.length === 2 ? groups(halves[1]) : [];
    if (!head || !tail) return null;
    var fill = 16 - head.length - tail.length;
    if (halves.length === 2 ? fill < 0 : fill !== 0) return null;
    var out = head.slice();
    for (var i = 0; i < fill; i++) out.push(0);
    return out.concat(tail);
  }

  // An address as bytes; IPv4-mapped IPv6 (::ffff:a.b.c.d) is reduced to IPv4 so either form
  // matches an IPv4 CIDR.
  function parseAddress(s) {
    if (s === null || s === undefined) return null;
    s = String(s);
    if (s.charAt(0) === "[" && s.charAt(s.length - 1) === "]") s = s.substring(1, s.length - 1);
    if (s.indexOf(":") < 0) return parseV4(s);
    var v6 = parseV6(s);
    if (!v6) return null;
    var mapped = true;
    for (var i = 0; i < 10; i++) if (v6[i] !== 0) mapped = false;
    if (mapped && v6[10] === 255 && v6[11] === 255) return v6.slice(12);
    return v6;
  }

  function parse(cidr) {
    var slash = cidr.indexOf("/");
    var addr = parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
    if (!addr) return null;
    var bits = addr.length * 8;
    if (slash >= 0) {
      var p = cidr.substring(slash + 1);
      if (!/^\d{1,3}$/.test(p)) return null;
      bits = parseInt(p, 10);
      if (bits > addr.length * 8) return null;
    }
    return { bytes: addr, bits: bits };
  }

  function contains(cidr, address) {
    var net = parse(String(cidr));
    var ip = parseAddress(address);
    if (!net || !ip || net.bytes.length !== ip.length) return false;
    var bits = net.bits;
    for (var i = 0; i < ip.length && bits > 0; i++, bits -= 8) {
      var mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
      if ((net.bytes[i] & mask) !== (ip[i] & mask)) return false;
    }
    return true;
  }

  return { parse: parse, parseAddress: parseAddress, contains: contains };
})();
