// Opaque cursors for keyset pagination over a numeric or text key: the client gets
// base64url(JSON) and hands it back unchanged. A cursor that does not decode is a 400
// (PAL-REQUEST-CURSOR), never a database error.
import { Errors, PalisadeError } from '../errors/catalogue.ts';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, kind: 'string' | 'number'): T | undefined {
  if (!cursor) return undefined;
  try {
    const v = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown }).k;
    if (typeof v === kind) return v as T;
  } catch {
    // fall through
  }
  throw new PalisadeError(Errors.BadCursor, 'the cursor was not produced by this API');
}

export function pageLimit(limit: number | undefined): number {
  if (!limit || limit < 1) return DEFAULT_PAGE_LIMIT;
  return Math.min(limit, MAX_PAGE_LIMIT);
}
