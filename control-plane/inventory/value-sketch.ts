// Enums from runtime without raw values (docs/posture.md, "Enums from runtime"). Gateways attach a
// keyed hash to token-like string values; per endpoint field the control plane keeps a bounded
// sketch of distinct hashes with a count and a bitmap of the clients that sent each. A field with
// more than SKETCH_MAX_HASHES distinct hashes is high-cardinality for good: its rows collapse into
// one marker and nothing of it is ever released. A hash seen from at least `minClients` distinct
// clients (by bitmap popcount, which never over-counts) in a field observed at least
// `minObservations` times is released: gateways may then report that value literally. Pure.
import type { FieldLocation } from '../store/types.ts';

/** Distinct hashes kept per field; one more makes the field high-cardinality. */
export const SKETCH_MAX_HASHES = 16;
/** value_hash of the row that marks a field high-cardinality (a hash is 16 hex digits). */
export const OVERFLOW_HASH = '*';
/** Longest value a gateway may report (bytes); matches the gateways' token-like bound. */
export const MAX_TOKEN_BYTES = 32;
/** Locations whose values are sketched: body fields and query parameters. */
export const SKETCHED_LOCATIONS: ReadonlySet<FieldLocation> = new Set(['query', 'request', 'response']);

export interface ReleasePolicy {
  /** Distinct clients (k of k-anonymity) a hash needs before its value may be reported. */
  minClients: number;
  /** Observations (all hashes of the field together) before anything of it is released. */
  minObservations: number;
}

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = { minClients: 5, minObservations: 20 };

/** One (field, hash) of one batch, or of the store. `clients` is a 32-bit client bitmap. */
export interface FieldValueDelta {
  endpointId: string;
  location: FieldLocation;
  name: string;
  /** 16 lower-case hex digits (FieldShape.value_hash), or OVERFLOW_HASH in the store. */
  hash: string;
  count: number;
  clients: number;
  /** The literal value when a gateway reported it (released hashes only); '' otherwise. */
  value: string;
}

// A value is token-like when it is 1-32 bytes of identifier characters. The gateways apply the same
// rule before hashing; the control plane applies it again to any literal value it is sent.
const TOKEN = /^[A-Za-z0-9_.:-]{1,32}$/;

export function isTokenLike(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * Words of field names whose values are secrets or personal data even when short and repeated (a
 * shared default password, a PIN): such a field is never released, whatever the counts. Matched on
 * the words of the last path segment (`user_password`, `apiKey`), not on substrings, so that
 * `shipping_status` stays an enum candidate.
 */
const SENSITIVE_WORDS = new Set(
  'password passwd pwd pass passphrase secret token apikey key auth authorization credential credentials session sid cookie otp pin cvv cvc ssn card iban signature salt nonce'.split(
    ' ',
  ),
);

export function isSensitiveFieldName(name: string): boolean {
  const last =
    name
      .split(/[.[\]$]/)
      .filter(Boolean)
      .pop() ?? '';
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SENSITIVE_WORDS.has(w));
}

/**
 * The bit a client contributes to a hash's client bitmap: one of 32, by FNV-1a of its address with
 * a final avalanche (addresses differ in their last characters). One bit per 1/32 of all clients
 * says nothing about who sent a value.
 */
export function clientBit(clientIp: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < clientIp.length; i++) h = Math.imul(h ^ clientIp.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (1 << ((h ^ (h >>> 16)) >>> 27)) >>> 0;
}

/** Distinct clients a bitmap proves (a lower bound: clients sharing a bit count once). */
export function clientCount(bits: number): number {
  let n = 0;
  for (let b = bits >>> 0; b !== 0; b &= b - 1) n++;
  return n;
}

const fieldKey = (d: { endpointId: string; location: string; name: string }) => `${d.endpointId}\0${d.location}\0${d.name}`;

/** What the store must do for a group of deltas, given the hashes its fields already hold. */
export interface FieldValueWrites {
  /** Rows to add to (count +, clients |, value when given). */
  upserts: FieldValueDelta[];
  /** Fields that became high-cardinality: delete their rows, write the marker. */
  overflow: { endpointId: string; location: FieldLocation; name: string }[];
}

/**
 * Plans the writes for `deltas` (one row per field and hash) against `stored`: for each field, the
 * hashes the store holds (OVERFLOW_HASH among them when it is high-cardinality already).
 */
export function planFieldValueWrites(
  deltas: readonly FieldValueDelta[],
  stored: ReadonlyMap<string, ReadonlySet<string>>,
): FieldValueWrites {
  const byField = new Map<string, FieldValueDelta[]>();
  for (const d of deltas) {
    const k = fieldKey(d);
    const l = byField.get(k);
    if (l) l.push(d);
    else byField.set(k, [d]);
  }
  const out: FieldValueWrites = { upserts: [], overflow: [] };
  for (const [k, list] of byField) {
    const held = stored.get(k) ?? new Set<string>();
    if (held.has(OVERFLOW_HASH)) continue;
    const distinct = new Set(held);
    for (const d of list) distinct.add(d.hash);
    if (distinct.size > SKETCH_MAX_HASHES) {
      const { endpointId, location, name } = list[0]!;
      out.overflow.push({ endpointId, location, name });
    } else out.upserts.push(...list);
  }
  return out;
}

export { fieldKey as fieldValueKey };

/** A field's stored sketch: its rows (the marker row marks it high-cardinality). */
export interface FieldSketch {
  endpointId: string;
  location: FieldLocation;
  name: string;
  rows: { hash: string; count: number; clients: number; value: string }[];
}

/** Groups field_values rows (snake_case columns, as the store returns them) into sketches. */
export function sketchesFromRows(rows: readonly Record<string, unknown>[]): FieldSketch[] {
  const sketches = new Map<string, FieldSketch>();
  for (const r of rows) {
    const endpointId = String(r.endpoint_id);
    const location = String(r.location) as FieldLocation;
    const name = String(r.name);
    const k = fieldKey({ endpointId, location, name });
    let s = sketches.get(k);
    if (!s) sketches.set(k, (s = { endpointId, location, name, rows: [] }));
    s.rows.push({ hash: String(r.value_hash), count: Number(r.count), clients: Number(r.clients) >>> 0, value: String(r.value) });
  }
  return [...sketches.values()];
}

/** True when the sketch is a closed, low-cardinality set observed often enough to release from. */
export function sketchIsReleasable(s: FieldSketch, policy: ReleasePolicy): boolean {
  if (s.rows.length === 0 || s.rows.length > SKETCH_MAX_HASHES) return false;
  if (s.rows.some((r) => r.hash === OVERFLOW_HASH)) return false;
  if (!SKETCHED_LOCATIONS.has(s.location) || isSensitiveFieldName(s.name)) return false;
  return s.rows.reduce((n, r) => n + r.count, 0) >= policy.minObservations;
}

/** The hashes of a field that gateways may report literally. */
export function releasedHashes(s: FieldSketch, policy: ReleasePolicy): string[] {
  if (!sketchIsReleasable(s, policy)) return [];
  return s.rows.filter((r) => clientCount(r.clients) >= policy.minClients).map((r) => r.hash);
}

/**
 * The enum values of a field for the OpenAPI document: every hash of the sketch released and its
 * value known; undefined otherwise (a value held back by k-anonymity means the set is incomplete).
 */
export function enumValues(s: FieldSketch, policy: ReleasePolicy): Record<string, number> | undefined {
  const released = new Set(releasedHashes(s, policy));
  if (released.size === 0 || released.size !== s.rows.length) return undefined;
  const values: Record<string, number> = {};
  for (const r of s.rows) {
    if (!r.value) return undefined;
    values[r.value] = (values[r.value] ?? 0) + r.count;
  }
  return values;
}
