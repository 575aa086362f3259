// The downstream client address the filter sees as `source.address`, derived the way Envoy's HTTP
// connection manager derives it with `use_remote_address: true` (Envoy docs, "x-forwarded-for",
// and ConnectionManagerUtility::mutateRequestHeaders):
// - xff_num_trusted_hops = 0: the peer address of the connection (XFF is not trusted at all);
// - xff_num_trusted_hops = N > 0: the Nth address from the right end of x-forwarded-for as it
//   arrived (before Envoy appends anything); when XFF has fewer than N addresses, or that entry is
//   not a bare IP address, Envoy falls back to the peer address.
// An address taken from XFF carries no port, so Envoy's Address::Ip prints it with port 0.
// Then Envoy appends the peer IP to x-forwarded-for unless `skip_xff_append` is set, and sets
// x-forwarded-proto to the connection's scheme unless it trusts hops and the header is present.
import { isIP } from 'node:net';

export interface ClientAddress {
  /** `source.address` as Envoy prints it: `1.2.3.4:5678`, `[::1]:5678`, XFF-derived `1.2.3.4:0`. */
  readonly sourceAddress: string;
  /** The x-forwarded-for value the request carries onwards (undefined: the request has none). */
  readonly forwardedFor: string | undefined;
  /** The x-forwarded-proto value the request carries onwards. */
  readonly forwardedProto: string;
}

/** `ip:port` as Envoy's Address::Ipv4/Ipv6::asString: IPv6 in brackets. */
export function formatAddress(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Envoy Utility::getLastAddressFromXFF: entries split on ',' and trimmed; `skip` entries are
 * skipped from the right; the chosen entry must be an IP address without a port, else null.
 */
export function addressFromXff(xff: string | undefined, skip: number): string | null {
  if (xff === undefined || xff === '') return null;
  const entries = xff.split(',').map((e) => e.trim());
  if (skip >= entries.length) return null;
  const entry = entries[entries.length - 1 - skip]!;
  return isIP(entry) === 0 ? null : entry;
}

/**
 * A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`; Envoy turns such an address
 * into the IPv4 one (Address::addressFromSockAddr when the socket is not v6only).
 */
export function unmapIpv4(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m ? m[1]! : ip;
}

export function clientAddress(
  rawPeer: { ip: string; port: number },
  xff: string | undefined,
  options: { xffNumTrustedHops: number; skipXffAppend: boolean; forwardedProto?: string | undefined },
): ClientAddress {
  const peer = { ip: unmapIpv4(rawPeer.ip), port: rawPeer.port };
  const fromXff = options.xffNumTrustedHops > 0 ? addressFromXff(xff, options.xffNumTrustedHops - 1) : null;
  const sourceAddress = fromXff !== null ? formatAddress(fromXff, 0) : formatAddress(peer.ip, peer.port);
  // Envoy appends only an IP peer (not a pipe), with "," and no space (Utility::appendXff →
  // appendForwardedFor(address, ",")).
  const append = !options.skipXffAppend && isIP(peer.ip) !== 0;
  const forwardedFor = !append ? xff : xff === undefined || xff === '' ? peer.ip : `${xff},${peer.ip}`;
  // ConnectionManagerUtility: with no trusted hop, or no header, the scheme of this connection
  // (the dev gateway listens in plain HTTP).
  const proto = options.forwardedProto;
  const forwardedProto = options.xffNumTrustedHops === 0 || proto === undefined ? 'http' : proto;
  return { sourceAddress, forwardedFor, forwardedProto };
}
