// Country and network owner (ASN, organisation) of a client address for the dashboard views. It is
// the GeoLookup posture already holds (or one a test wires in as deps.extra.geo), never a second
// one: the bundled city and ASN databases are tens of MB each and must be loaded once per process.
// With geography off (config posture.geo) views still work, without countries or organisations.
import { GeoLookup } from '../geo/geo-lookup.ts';
import { postureServiceFor } from '../posture/posture-service.ts';
import type { Store } from '../store/types.ts';

export interface ClientGeo {
  /** ISO 3166 alpha-2, or `internal`. */
  country?: string;
  asn?: number;
  org?: string;
}

export type ClientGeoOf = (ip: string) => ClientGeo | undefined;

const none: ClientGeoOf = () => undefined;

/** The lookup views use. */
export async function clientGeoLookup(deps: { store: Store; extra?: Record<string, unknown> | undefined }): Promise<ClientGeoOf> {
  const given = deps.extra?.geo;
  const geo = given instanceof GeoLookup ? given : (await postureServiceFor(deps.store, deps.extra)).geo();
  if (!geo) return none;
  return (ip) => {
    const g = geo.lookup(ip);
    if (!g) return undefined;
    const out: ClientGeo = {};
    if (g.country) out.country = g.country;
    if (g.asn !== undefined) out.asn = g.asn;
    if (g.org) out.org = g.org;
    return out;
  };
}
