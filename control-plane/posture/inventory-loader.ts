// Reads the whole inventory from the store in a few bulk queries (not one per endpoint), for
// regenerating specs and scores. Recent raw events supply exact status codes, auth schemes and
// client addresses (for geography) while they are retained.
import { DEFAULT_RELEASE_POLICY, enumValues, fieldValueKey, sketchesFromRows, type ReleasePolicy } from '../inventory/value-sketch.ts';
import { authSchemeNames, jsonTypeNames } from '../store/enum-bits.ts';
import type { Store } from '../store/types.ts';
import type { GeoLookup } from '../geo/geo-lookup.ts';
import { inventoryEndpointFromRows, type EndpointRow, type FieldRow, type FindingRow, type RecentRow } from './inventory-adapter.ts';
import type { InventoryEndpoint } from './model.ts';
import type { EndpointMeta } from './posture-repository.ts';

const n = (v: unknown): number => Number(v ?? 0);

function group<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  }
  return m;
}

export async function loadInventory(
  store: Store,
  meta: readonly EndpointMeta[],
  opts: { geo?: GeoLookup; sinceMs?: number; enumPolicy?: ReleasePolicy } = {},
): Promise<InventoryEndpoint[]> {
  const sql = store.sql;
  const endpoints = await sql.query(
    'SELECT id, host, method, path_template, first_seen_ms, last_seen_ms, requests, s1xx, s2xx, s3xx, s4xx, s5xx, auth_mask, external_requests FROM endpoints',
  );
  const fields = group(await sql.query('SELECT endpoint_id, location, name, type_mask, count FROM endpoint_fields'), (r) =>
    String(r.endpoint_id),
  );
  // Format counts by `endpoint location name`, JWT alg counts by endpoint.
  const formats = new Map<string, Record<string, number>>();
  const jwtAlgs = new Map<string, Record<string, number>>();
  for (const o of await sql.query('SELECT endpoint_id, kind, location, name, value, count FROM endpoint_observations')) {
    const into = o.kind === 'format' ? formats : o.kind === 'jwt_alg' ? jwtAlgs : null;
    if (!into) continue;
    const k = o.kind === 'format' ? `${o.endpoint_id}\0${o.location}\0${o.name}` : String(o.endpoint_id);
    const counts = into.get(k) ?? {};
    counts[String(o.value)] = (counts[String(o.value)] ?? 0) + n(o.count);
    into.set(k, counts);
  }
  // Enum values of fields whose every value hash was released and reported (value-sketch.ts).
  const enums = new Map<string, Record<string, number>>();
  for (const s of sketchesFromRows(
    await sql.query('SELECT endpoint_id, location, name, value_hash, count, clients, value FROM field_values'),
  )) {
    const values = enumValues(s, opts.enumPolicy ?? DEFAULT_RELEASE_POLICY);
    if (values) enums.set(fieldValueKey(s), values);
  }
  const findings = group(await sql.query('SELECT endpoint_id, type, direction, category, count FROM endpoint_findings'), (r) =>
    String(r.endpoint_id),
  );
  const distinct = new Map(
    (await sql.query('SELECT endpoint_id, type, COUNT(*) AS c FROM finding_values GROUP BY endpoint_id, type')).map((r) => [
      `${r.endpoint_id} ${r.type}`,
      n(r.c),
    ]),
  );
  const since = opts.sinceMs ?? 0;
  const recent = group(
    await sql.query(
      'SELECT endpoint_id, status, auth_scheme, COUNT(*) AS c FROM events WHERE ts_ms >= ? GROUP BY endpoint_id, status, auth_scheme',
      [since],
    ),
    (r) => String(r.endpoint_id),
  );
  // Evidence for violations: the latest retained event of each endpoint (its template, not the raw
  // path, which may carry identifiers).
  const latest = new Map<string, Record<string, unknown>>();
  for (const r of await sql.query(
    `SELECT e.endpoint_id, e.ts_ms, e.status, e.client_ip FROM events e
     JOIN (SELECT endpoint_id, MAX(ts_ms) AS m FROM events WHERE ts_ms >= ? GROUP BY endpoint_id) l ON l.endpoint_id = e.endpoint_id AND l.m = e.ts_ms`,
    [since],
  ))
    if (!latest.has(String(r.endpoint_id))) latest.set(String(r.endpoint_id), r);
  let clients: Map<string, Record<string, unknown>[]> | undefined;
  if (opts.geo) {
    clients = group(
      await sql.query('SELECT endpoint_id, client_ip, COUNT(*) AS c FROM events WHERE ts_ms >= ? GROUP BY endpoint_id, client_ip', [since]),
      (r) => String(r.endpoint_id),
    );
  }
  const metaByKey = new Map(meta.map((m) => [`${m.host} ${m.method} ${m.path}`, m]));
  return endpoints.map((r) => {
    const id = String(r.id);
    const row: EndpointRow = {
      id,
      host: String(r.host),
      method: String(r.method),
      pathTemplate: String(r.path_template),
      firstSeenMs: n(r.first_seen_ms),
      lastSeenMs: n(r.last_seen_ms),
      requests: n(r.requests),
      s1xx: n(r.s1xx),
      s2xx: n(r.s2xx),
      s3xx: n(r.s3xx),
      s4xx: n(r.s4xx),
      s5xx: n(r.s5xx),
      authSchemes: authSchemeNames(n(r.auth_mask)),
      externalRequests: n(r.external_requests),
      jwtAlgs: jwtAlgs.get(id) ?? {},
    };
    const f: FieldRow[] = (fields.get(id) ?? []).map((x) => ({
      location: String(x.location) as FieldRow['location'],
      name: String(x.name),
      types: jsonTypeNames(n(x.type_mask)),
      formats: formats.get(`${id}\0${x.location}\0${x.name}`) ?? {},
      count: n(x.count),
      ...(enums.has(`${id}\0${x.location}\0${x.name}`) ? { values: enums.get(`${id}\0${x.location}\0${x.name}`)! } : {}),
    }));
    const fi: FindingRow[] = (findings.get(id) ?? []).map((x) => ({
      type: String(x.type),
      direction: String(x.direction),
      category: String(x.category),
      count: n(x.count),
      distinct: distinct.get(`${id} ${x.type}`) ?? 0,
    }));
    const rc: RecentRow[] = (recent.get(id) ?? []).map((x) => ({ status: n(x.status), authScheme: String(x.auth_scheme), count: n(x.c) }));
    let countries: Record<string, number> | undefined;
    if (opts.geo && clients) {
      countries = {};
      for (const c of clients.get(id) ?? []) {
        const g = opts.geo.lookup(String(c.client_ip));
        if (g?.country) countries[g.country] = (countries[g.country] ?? 0) + n(c.c);
      }
    }
    const out = inventoryEndpointFromRows(row, f, fi, rc, metaByKey.get(`${row.host} ${row.method} ${row.pathTemplate}`), countries);
    const ex = latest.get(id);
    if (ex)
      out.example = { ts: n(ex.ts_ms), method: row.method, path: row.pathTemplate, status: n(ex.status), clientIp: String(ex.client_ip) };
    return out;
  });
}
