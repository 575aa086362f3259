// Internal vs external clients: CIDR lists parsed once into numeric ranges (IPv4 and IPv6).
import { isIP } from 'node:net';

interface Range {
  v6: boolean;
  base: bigint;
  mask: bigint;
}

/** RFC 1918, loopback, link-local, IPv6 ULA and loopback: the default "internal" networks. */
export const DEFAULT_INTERNAL_NETWORKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  '::1/128',
  'fe80::/10',
];

function toBig(ip: string): { v6: boolean; value: bigint } | null {
  const kind = isIP(ip);
  if (kind === 4) {
    const p = ip.split('.').map(Number);
    return { v6: false, value: BigInt(((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!) };
  }
  if (kind === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return toBig(mapped[1]!);
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
    let v = 0n;
    for (const g of groups) v = (v << 16n) + BigInt(parseInt(g || '0', 16));
    return { v6: true, value: v };
  }
  return null;
}

/** Parses CIDRs; throws with the offending entry (config is refused at start). */
export function parseNetworks(cidrs: readonly string[]): Range[] {
  return cidrs.map((c) => {
    const [ip, bitsRaw] = c.split('/');
    const addr = toBig(ip ?? '');
    const width = addr?.v6 ? 128 : 32;
    const bits = bitsRaw === undefined ? width : Number(bitsRaw);
    if (!addr || !Number.isInteger(bits) || bits < 0 || bits > width)
      throw new Error(`invalid network "${c}": expected CIDR like 10.0.0.0/8`);
    const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
    return { v6: addr.v6, base: addr.value & mask, mask };
  });
}

export type NetworkMatcher = (ip: string) => boolean;

export function networkMatcher(cidrs: readonly string[]): NetworkMatcher {
  const ranges = parseNetworks(cidrs);
  const cache = new Map<string, boolean>();
  return (ip) => {
    const hit = cache.get(ip);
    if (hit !== undefined) return hit;
    const a = toBig(ip);
    const inside = !!a && ranges.some((r) => r.v6 === a.v6 && (a.value & r.mask) === r.base);
    if (cache.size > 10_000) cache.clear();
    cache.set(ip, inside);
    return inside;
  };
}
