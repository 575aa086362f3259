// The release list of "Enums from runtime" (docs/posture.md): which token-like values gateways may
// report literally, computed from the value-hash sketches in the store (inventory/value-sketch.ts
// decides per field) and served with the RuleSet in force (fields 11-12, appended to its bytes:
// protobuf concatenation merges, and neither the rule version nor its digest changes). Recomputed
// on a timer on every replica from the shared store, so all replicas converge on one list.
import { createHash } from 'node:crypto';
import type { SqlClient } from '../store/sql-client.ts';
import { releasedHashes, sketchesFromRows, type FieldSketch, type ReleasePolicy } from '../inventory/value-sketch.ts';
import { hostPatternProblem, methodProblem, pathTemplateProblem } from './match-syntax.ts';
import { encodeMessage } from './proto-json.ts';

/** The current release list in the forms it is served in. */
export interface ReleaseSet {
  /** Hex SHA-256 of the serialized list (RuleSet.releases_digest); '' when nothing is released. */
  digest: string;
  /** RuleSet fields 11 and 12 serialized, to append to a serialized RuleSet; empty when none. */
  bytes: Buffer;
  /** RuleSet.value_releases in canonical proto JSON. */
  json: { endpoint: { hosts: string[]; methods: string[]; paths: string[] }; hashes: string[] }[];
  /** endpoint id → released hashes (hex), for ingest to keep only released values. */
  released: ReadonlyMap<string, ReadonlySet<string>>;
}

export const EMPTY_RELEASES: ReleaseSet = { digest: '', bytes: Buffer.alloc(0), json: [], released: new Map() };

/** A hash's hex (the value_hash bytes) as the little-endian fixed64 the proto carries, in decimal. */
export function hashToFixed64(hex: string): string {
  return Buffer.from(hex, 'hex').readBigUInt64LE(0).toString();
}

interface EndpointRow {
  host: string;
  method: string;
  pathTemplate: string;
}

/** Builds the release set from sketches; pure. Endpoints a gateway could not parse are left out. */
export function buildReleaseSet(
  sketches: readonly FieldSketch[],
  endpoints: ReadonlyMap<string, EndpointRow>,
  policy: ReleasePolicy,
): ReleaseSet {
  const released = new Map<string, Set<string>>();
  for (const s of sketches) {
    const hashes = releasedHashes(s, policy);
    if (hashes.length === 0) continue;
    const e = endpoints.get(s.endpointId);
    // A Match a gateway would refuse would make it refuse the whole RuleSet.
    if (!e || pathTemplateProblem(e.pathTemplate) || hostPatternProblem(e.host) || methodProblem(e.method)) continue;
    let set = released.get(s.endpointId);
    if (!set) released.set(s.endpointId, (set = new Set()));
    for (const h of hashes) set.add(h);
  }
  if (released.size === 0) return EMPTY_RELEASES;
  const json: ReleaseSet['json'] = [];
  for (const id of [...released.keys()].sort()) {
    const e = endpoints.get(id)!;
    json.push({
      endpoint: { hosts: [e.host], methods: [e.method], paths: [e.pathTemplate] },
      // Ascending as unsigned integers: gateways binary-search the list (rules.proto ValueRelease).
      hashes: [...released.get(id)!].map(hashToFixed64).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)),
    });
  }
  const list = encodeMessage('RuleSet', { valueReleases: json });
  const digest = createHash('sha256').update(list).digest('hex');
  const bytes = Buffer.concat([list, encodeMessage('RuleSet', { releasesDigest: digest })]);
  return { digest, bytes, json, released };
}

/** Reads every sketch and the endpoints they belong to, and builds the release set. */
export async function loadReleaseSet(sql: SqlClient, policy: ReleasePolicy): Promise<ReleaseSet> {
  const rows = await sql.query(
    `SELECT v.endpoint_id, v.location, v.name, v.value_hash, v.count, v.clients, v.value, e.host, e.method, e.path_template
       FROM field_values v JOIN endpoints e ON e.id = v.endpoint_id`,
  );
  const endpoints = new Map<string, EndpointRow>();
  for (const r of rows)
    endpoints.set(String(r.endpoint_id), { host: String(r.host), method: String(r.method), pathTemplate: String(r.path_template) });
  return buildReleaseSet(sketchesFromRows(rows), endpoints, policy);
}
