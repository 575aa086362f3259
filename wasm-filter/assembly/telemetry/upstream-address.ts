// The destination of an exchange as reported in ApiEvent.upstream_ip. Envoy's `upstream.address`
// attribute is the upstream connection's remote address as a string property: `10.0.0.5:8080` or
// `[2001:db8::5]:443`, absent when no upstream was contacted (local reply, no route). Other forms
// (a pipe path, an internal listener name) are not IP destinations and are not reported.
import { parseIp, stripPort } from "../policy/ip";

/** The IP of an `upstream.address` value without its port, or "" when it is not an IP address. */
export function upstreamIpOf(address: string): string {
  const ip = stripPort(address);
  return ip.length > 0 && parseIp(ip) !== null ? ip : "";
}
