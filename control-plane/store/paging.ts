// Keyset pagination shared by the store's list queries: an opaque cursor is base64url(JSON) of the
// last row's key. A cursor that does not decode is the client's error (PAL-REQUEST-CURSOR, a 400),
// never silently the first page again and never a database error: it is only ever bound as a
// parameter, never spliced into SQL.
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import type { Page, PageQuery } from './types.ts';

export function pageLimit(q: PageQuery): number {
  const n = Math.trunc(q.limit ?? 100);
  return Number.isFinite(n) ? Math.min(1000, Math.max(1, n)) : 100;
}

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The key a cursor made by encodeCursor holds; undefined without a cursor; BadCursor otherwise. */
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    /* fall through */
  }
  throw new PalisadeError(Errors.BadCursor, 'the cursor was not produced by this API for this list');
}

/** `rows` holds up to limit + 1 rows: the extra one only says that another page follows. */
export function page<T>(rows: T[], limit: number, key: (last: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: '' };
  const items = rows.slice(0, limit);
  return { items, nextCursor: key(items[items.length - 1]!) };
}
