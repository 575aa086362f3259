// Clients are shown by network, not by address: a /24 (IPv4) or /48 (IPv6) is what an operator
// blocks or rate-limits, and it keeps the flow graph readable. The CIDR is also the policy match
// the mitigation publishes, so it must be a valid CIDR or nothing.
import { isIP } from 'node:net';

/** `203.0.113.0/24`, `2001:db8:1::/48`, or null when `ip` is not an address. */
export function clientNetwork(ip: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const addr = mapped ?? ip;
  const v = isIP(addr);
  if (v === 4) {
    const [a, b, c] = addr.split('.');
    return `${a}.${b}.${c}.0/24`;
  }
  if (v === 6) {
    const groups = expandIpv6(addr);
    return groups
      ? `${groups
          .slice(0, 3)
          .map((g) => g.replace(/^0+(?=.)/, ''))
          .join(':')}::/48`
      : null;
  }
  return null;
}

/** Eight hex groups of an IPv6 address (no embedded IPv4 tail), or null. */
function expandIpv6(addr: string): string[] | null {
  if (addr.includes('.')) return null;
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = addr.includes('::') ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t];
  return groups.length === 8 ? groups.map((g) => g.toLowerCase()) : null;
}
