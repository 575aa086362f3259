// The one seam between the data path's stored inventory (store/types.ts rows) and the posture
// cores' InventoryEndpoint. Pure: rows in, values out. What the store does not keep is stated here:
// exact status codes and per-scheme auth counts come from recent raw events when there are any
// (else status classes `2XX`…); body fields are not kept per status, so response fields are filed
// under the endpoint's dominant success class. String formats and JWT header algs are counted
// (endpoint_observations), so the schema cores apply the same share thresholds as offline discovery.
import type { AuthSchemeName, Counts, FieldStat, FindingStat, InventoryEndpoint, JsonType, ParamStat } from './model.ts';

export interface EndpointRow {
  id: string;
  host: string;
  method: string;
  pathTemplate: string;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
  s1xx: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  /** AuthScheme enum names (`AUTH_SCHEME_JWT`). */
  authSchemes: string[];
  externalRequests: number;
  /** JWT header `alg` → requests that carried it. */
  jwtAlgs: Counts;
}

export interface FieldRow {
  location: 'path' | 'query' | 'header' | 'cookie' | 'request' | 'response';
  name: string;
  /** JsonType enum names (`JSON_TYPE_STRING`). */
  types: string[];
  /** String format → values that had it. */
  formats: Counts;
  count: number;
  /** Released value → observations, when every value of the field is released (value-sketch.ts). */
  values?: Counts;
}

export interface FindingRow {
  type: string;
  /** Direction enum name. */
  direction: string;
  /** DataCategory enum name. */
  category: string;
  count: number;
  distinct: number;
}

export interface RecentRow {
  status: number;
  /** AuthScheme enum name. */
  authScheme: string;
  count: number;
}

const lower = (prefix: string, name: string): string => name.replace(prefix, '').toLowerCase().replace(/_/g, '-');

export function authName(enumName: string): AuthSchemeName {
  const n = lower('AUTH_SCHEME_', enumName);
  return (
    ['none', 'basic', 'bearer', 'jwt', 'api-key-header', 'api-key-query', 'mtls', 'cookie'].includes(n) ? n : 'other'
  ) as AuthSchemeName;
}

function typesOf(names: string[], count: number): Partial<Record<JsonType, number>> {
  const out: Partial<Record<JsonType, number>> = {};
  // The store keeps the set of types, not their counts: each type is credited with every sighting.
  for (const t of names) out[lower('JSON_TYPE_', t) as JsonType] = count;
  return out;
}

/** Auth schemes with their counts; JWT algs go on the `jwt` entry (added when only the algs say JWT). */
function authStats(authCounts: Map<AuthSchemeName, number>, jwtAlgs: Counts): InventoryEndpoint['auth'] {
  const algTotal = Object.values(jwtAlgs).reduce((s, c) => s + c, 0);
  if (algTotal > 0 && !authCounts.has('jwt')) authCounts.set('jwt', algTotal);
  return [...authCounts].map(([scheme, count]) =>
    scheme === 'jwt' && algTotal > 0 ? { scheme, count, jwtAlgs: { ...jwtAlgs } } : { scheme, count },
  );
}

export function inventoryEndpointFromRows(
  e: EndpointRow,
  fields: readonly FieldRow[],
  findings: readonly FindingRow[],
  recent: readonly RecentRow[],
  meta?: { owner: string; tags: string[] },
  clientCountries?: Record<string, number>,
): InventoryEndpoint {
  const statusCounts: Record<string, number> = {};
  const authCounts = new Map<AuthSchemeName, number>();
  for (const r of recent) {
    if (r.status > 0) statusCounts[String(r.status)] = (statusCounts[String(r.status)] ?? 0) + r.count;
    const a = authName(r.authScheme || 'AUTH_SCHEME_NONE');
    authCounts.set(a, (authCounts.get(a) ?? 0) + r.count);
  }
  if (recent.length === 0) {
    for (const [cls, n] of [
      ['1XX', e.s1xx],
      ['2XX', e.s2xx],
      ['3XX', e.s3xx],
      ['4XX', e.s4xx],
      ['5XX', e.s5xx],
    ] as const)
      if (n > 0) statusCounts[cls] = n;
    for (const s of e.authSchemes) authCounts.set(authName(s), e.requests);
  }
  const params: ParamStat[] = [];
  const request: FieldStat[] = [];
  const response: FieldStat[] = [];
  for (const f of fields) {
    const stat = {
      seen: f.count,
      types: typesOf(f.types, f.count),
      ...(Object.keys(f.formats).length ? { formats: f.formats } : {}),
      ...(f.values ? { values: f.values } : {}),
    };
    if (f.location === 'request') request.push({ path: f.name, ...stat });
    else if (f.location === 'response') response.push({ path: f.name, ...stat });
    else params.push({ name: f.name, in: f.location, ...stat });
  }
  const bodyCount = (fs: FieldStat[]): number => fs.find((f) => f.path === '$')?.seen ?? fs.reduce((m, f) => Math.max(m, f.seen), 0);
  // Response fields go under the most frequent 2xx code (or class): that is what they mostly describe.
  const success = Object.entries(statusCounts)
    .filter(([c]) => c.startsWith('2'))
    .sort((a, b) => b[1] - a[1])[0]?.[0];
  const out: InventoryEndpoint = {
    host: e.host,
    method: e.method,
    path: e.pathTemplate,
    count: e.requests,
    firstSeen: e.firstSeenMs,
    lastSeen: e.lastSeenMs,
    statusCounts,
    params,
    requestBodies: request.length ? [{ contentType: 'application/json', count: bodyCount(request), fields: request }] : [],
    responses:
      response.length && success ? { [success]: [{ contentType: 'application/json', count: bodyCount(response), fields: response }] } : {},
    auth: authStats(authCounts, e.jwtAlgs),
    findings: findings.map((f): FindingStat => ({
      type: f.type,
      category: lower('DATA_CATEGORY_', f.category),
      direction: f.direction === 'DIRECTION_REQUEST' ? 'request' : 'response',
      count: f.count,
      distinct: f.distinct,
    })),
    external: e.externalRequests > 0,
  };
  if (meta?.owner) out.owner = meta.owner;
  if (meta?.tags.length) out.tags = meta.tags;
  if (clientCountries) out.clientCountries = clientCountries;
  return out;
}
