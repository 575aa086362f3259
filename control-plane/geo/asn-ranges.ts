// ASN and organisation by address from the range tables of @ip-location-db/asn (RouteViews + DB-IP,
// CC BY 4.0). No MaxMind-format ASN database is published on the npm registry, so the bundled one is
// this package's CSV (`start,end,asn,org`, inclusive ranges, sorted, not overlapping), held as typed
// arrays and searched by bisection. A MaxMind GeoLite2-ASN file can still be configured instead.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface AsnInfo {
  asn: number;
  org: string;
}

/** One CSV line: start, end, asn, org (org may be quoted with "" escapes). */
function splitLine(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"')) org = org.slice(1, org.endsWith('"') ? -1 : undefined).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

/**
 * The first 48 bits of an IPv6 address as a number (exact in a double); null when it does not parse.
 * /48 is the longest prefix routed on the Internet, so ASN ranges are told apart at that length.
 */
export function ipv6Prefix48(ip: string): number | null {
  const s = ip.toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 tail is two groups; it never reaches the first three.
  const tailGroups = tail.length + (tail.length && tail[tail.length - 1]!.includes('.') ? 1 : 0);
  const fill = 8 - head.length - tailGroups;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    n = n * 65536 + parseInt(g, 16);
  }
  return n;
}

function ipv4Number(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) return null;
  return ((n[0]! << 24) >>> 0) + (n[1]! << 16) + (n[2]! << 8) + n[3]!;
}

/** Index of the last start ≤ x (or -1) in an ascending array, by bisection. */
function floorIndex(n: number, less: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (less(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

type Table = { start: Float64Array; end: Float64Array; asn: Uint32Array; org: Uint32Array; n: number };

const CHUNK = 20_000;
const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export class AsnRanges {
  private constructor(
    private readonly orgs: readonly string[],
    private readonly v4: Table,
    private readonly v6: Table,
  ) {}

  /**
   * `v4Csv`: numeric IPv4 ranges (asn-ipv4-num.csv); `v6Csv`: textual IPv6 ranges (asn-ipv6.csv).
   * Parsed in chunks that yield to the event loop: half a million rows must not stall ingestion.
   */
  static async fromCsv(v4Csv: string, v6Csv = ''): Promise<AsnRanges> {
    const orgs: string[] = [];
    const orgIds = new Map<string, number>();
    const table = async (csv: string, key: (field: string) => number | null): Promise<Table> => {
      const lines = csv ? csv.split('\n') : [];
      const t: Table = {
        start: new Float64Array(lines.length),
        end: new Float64Array(lines.length),
        asn: new Uint32Array(lines.length),
        org: new Uint32Array(lines.length),
        n: 0,
      };
      for (let i = 0; i < lines.length; i++) {
        if (i % CHUNK === CHUNK - 1) await yieldToEventLoop();
        const f = splitLine(lines[i]!.trimEnd());
        const a = f && key(f[0]);
        const b = f && key(f[1]);
        if (!f || a === null || b === null) continue;
        let id = orgIds.get(f[3]);
        if (id === undefined) orgIds.set(f[3], (id = orgs.push(f[3]) - 1));
        t.start[t.n] = a;
        t.end[t.n] = b;
        t.asn[t.n] = Number(f[2]);
        t.org[t.n++] = id;
      }
      return t;
    };
    const v4 = await table(v4Csv, (x) => (/^\d{1,10}$/.test(x) ? Number(x) : null));
    const v6 = await table(v6Csv, ipv6Prefix48);
    return new AsnRanges(orgs, v4, v6);
  }

  lookup(ip: string): AsnInfo | null {
    const v4 = ipv4Number(ip);
    const [t, x] = v4 !== null ? [this.v4, v4] : [this.v6, ipv6Prefix48(ip)];
    if (x === null) return null;
    const i = floorIndex(t.n, (k) => t.start[k]! <= x);
    return i >= 0 && x <= t.end[i]! ? { asn: t.asn[i]!, org: this.orgs[t.org[i]!]! } : null;
  }

  get size(): number {
    return this.v4.n + this.v6.n;
  }
}

/** The ranges shipped with Palisade (@ip-location-db/asn), or null when the package is absent. */
export async function loadBundledAsnRanges(): Promise<AsnRanges | null> {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  } catch {
    return null;
  }
  const [v4, v6] = await Promise.all([readFile(join(dir, 'asn-ipv4-num.csv'), 'utf8'), readFile(join(dir, 'asn-ipv6.csv'), 'utf8')]);
  return AsnRanges.fromCsv(v4, v6);
}
