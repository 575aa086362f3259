// Country of a client address for the dashboard views: the GeoLookup other parts wired in
// (deps.extra.geo) or, failing that, one over the bundled database opened on first use and shared
// by the process. Without a usable database views still work, without countries.
import { GeoLookup } from '../geo/geo-lookup.ts';

let shared: GeoLookup | null | undefined;

function bundled(): GeoLookup | null {
  if (shared === undefined) {
    try {
      shared = new GeoLookup();
    } catch {
      shared = null;
    }
  }
  return shared;
}

export function countryLookup(extra: Record<string, unknown> | undefined): (ip: string) => string | undefined {
  const geo = extra?.geo instanceof GeoLookup ? extra.geo : bundled();
  if (!geo) return () => undefined;
  return (ip) => geo.lookup(ip)?.country;
}
