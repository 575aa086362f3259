// Reading database rows into the store's plain shapes: both drivers return BIGINT as string (pg)
// or number (SQLite), and NULL where a column has no value.
import type { Row } from './sql-client.ts';
import type { StatusCounts } from './types.ts';

export const num = (v: unknown): number => Number(v ?? 0);
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function statusOf(r: Row): StatusCounts {
  return { s0xx: num(r.s0xx), s1xx: num(r.s1xx), s2xx: num(r.s2xx), s3xx: num(r.s3xx), s4xx: num(r.s4xx), s5xx: num(r.s5xx) };
}
