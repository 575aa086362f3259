// The destination of an exchange as reported in ApiEvent.upstream_ip. Envoy's `upstream.address`
// attribute is the upstream connection's remote address as a string property: `10.0.0.5:8080` or
// `[2001:db8::5]:443`, absent when no upstream was chosen (local reply, no route). Other forms (a
// pipe path, an internal listener name) are not IP destinations and are not reported. This runs on
// every response, so the raw property bytes are read in place: the usual IPv4 case allocates only
// the result string, and nothing when the address is the last one's.
import { parseIp } from "../policy/ip";

// @ts-ignore: decorator
@inline const MAX_IP_TEXT: i32 = 45; // longest textual IPv6 address (with an embedded IPv4 tail)

/** Dotted-quad IPv4 (four decimal parts of at most three digits, each <= 255), read in place. */
function isIpv4At(ptr: usize, len: i32): bool {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= len; i++) {
    const c: i32 = i < len ? <i32>load<u8>(ptr + <usize>i) : 0x2e;
    if (c == 0x2e) {
      if (digits == 0 || ++parts > 4) return false;
      digits = 0;
      value = 0;
    } else if (<u32>(c - 0x30) <= 9) {
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return false;
    } else return false;
  }
  return parts == 4;
}

/** The last value read and its IP: exchanges through one upstream repeat it. */
let lastAddress = new ArrayBuffer(0);
let lastIp = "";

/** The IP of an `upstream.address` value without its port, or "" when it is not an IP address. */
export function upstreamIpOf(address: ArrayBuffer): string {
  const n = address.byteLength;
  if (n == lastAddress.byteLength && memory.compare(changetype<usize>(address), changetype<usize>(lastAddress), <usize>n) == 0) return lastIp;
  const ip = ipOf(address);
  lastAddress = address;
  lastIp = ip;
  return ip;
}

function ipOf(address: ArrayBuffer): string {
  const base = changetype<usize>(address);
  const n = address.byteLength;
  let start = 0;
  let end = n;
  let colons = 0;
  if (n > 0 && load<u8>(base) == 0x5b) {
    // `[v6]:port`
    start = 1;
    end = -1;
    for (let i = 1; i < n; i++) {
      if (load<u8>(base + <usize>i) == 0x5d) {
        end = i;
        break;
      }
    }
    if (end < 0) return "";
    colons = 2; // whatever is inside brackets goes through the IPv6 parser
  } else {
    let last = -1;
    for (let i = 0; i < n; i++) {
      if (load<u8>(base + <usize>i) == 0x3a) {
        colons++;
        last = i;
      }
    }
    // One colon separates an IPv4 address from its port; more are IPv6 without a port.
    if (colons == 1) {
      end = last;
      colons = 0;
    }
  }
  const len = end - start;
  if (len <= 0 || len > MAX_IP_TEXT) return "";
  const at = base + <usize>start;
  if (colons == 0) return isIpv4At(at, len) ? String.UTF8.decodeUnsafe(at, <usize>len) : "";
  const ip = String.UTF8.decodeUnsafe(at, <usize>len);
  return parseIp(ip) !== null ? ip : "";
}
