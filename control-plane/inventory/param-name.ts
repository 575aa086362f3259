// Parameter names for templated segments, from the segment before them: `/users/{userId}`,
// `/order-items/{orderItemId}`, `/reports/{reportDate}`. Pure string work.
import type { SegmentKind } from './segment-kind.ts';

/** Segment kind (or `slug` for positions learned from cardinality) → name suffix. */
const SUFFIX: Record<SegmentKind | 'slug', string> = {
  id: 'Id',
  uuid: 'Id',
  ulid: 'Id',
  hash: 'Id',
  token: 'Id',
  date: 'Date',
  email: 'Email',
  msisdn: 'Msisdn',
  imei: 'Imei',
  slug: '',
};
/** Name when there is no static segment before the value. */
const BARE: Record<SegmentKind | 'slug', string> = {
  id: 'id',
  uuid: 'id',
  ulid: 'id',
  hash: 'id',
  token: 'id',
  date: 'date',
  email: 'email',
  msisdn: 'msisdn',
  imei: 'imei',
  slug: 'param',
};

const INVARIANT = new Set(['news', 'status', 'series', 'species', 'data', 'metadata', 'settings', 'analytics', 'access', 'address']);

/** English plural → singular for the usual API nouns (`categories` → `category`). */
export function singular(word: string): string {
  const w = word.toLowerCase();
  if (INVARIANT.has(w) || w.length < 3) return word;
  if (w.endsWith('ies') && w.length > 4) return word.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh|z)es$/.test(w)) return word.slice(0, -2);
  if (w.endsWith('uses')) return word.slice(0, -2);
  if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) return word.slice(0, -1);
  return word;
}

/** `order-items` / `order_items` / `orderItems` → `orderItem`; null when nothing usable is left. */
function camelBase(segment: string): string | null {
  const parts = segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (parts.length === 0 || !/^[A-Za-z]/.test(parts[0]!)) return null;
  parts[parts.length - 1] = singular(parts[parts.length - 1]!);
  const s = parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1))).join('');
  return s.length > 40 ? s.slice(0, 40) : s;
}

/**
 * The parameter name for a value of `kind` after the static segment `previous` (null when the
 * previous segment is itself a parameter or the value is first), unique among `taken`.
 */
export function paramName(kind: SegmentKind | 'slug', previous: string | null, taken: ReadonlySet<string>): string {
  const base = previous ? camelBase(previous) : null;
  const name = base ? base + SUFFIX[kind] : BARE[kind];
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}${i}`)) return `${name}${i}`;
}
