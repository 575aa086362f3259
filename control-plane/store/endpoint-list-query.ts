// The SQL of one page of GET /v1/endpoints: filters, sort and keyset pagination, as a pure
// function of the query (no database), so both dialects run the same statement and the rules are
// testable on their own.
//
// Keyset pagination under sorting: rows are ordered by (sort column, id) — id breaks ties, so the
// order is total — and the cursor carries the last row's (sort column, id). The next page is
// `(col, id) > (v, id)` (or `<` when descending), which stays correct while rows are inserted or
// counters change between pages: no row is skipped or repeated unless its own sort value moved.
// The cursor also names the sort and order it was made for; reusing it under another sort is a
// 400, never a silently wrong page.
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import { ENDPOINT_SORTS, POSTURE_CLASS_BITS, type EndpointQuery, type EndpointSort, type SortOrder } from './types.ts';

interface SortColumn {
  column: string;
  kind: 'string' | 'number';
  /** Order when the query gives none: counters and scores largest first, names A→Z. */
  defaultOrder: SortOrder;
}

const SORT_COLUMNS: Record<EndpointSort, SortColumn> = {
  id: { column: 'id', kind: 'string', defaultOrder: 'asc' },
  path: { column: 'path_template', kind: 'string', defaultOrder: 'asc' },
  host: { column: 'host', kind: 'string', defaultOrder: 'asc' },
  method: { column: 'method', kind: 'string', defaultOrder: 'asc' },
  requests: { column: 'requests', kind: 'number', defaultOrder: 'desc' },
  last_seen: { column: 'last_seen_ms', kind: 'number', defaultOrder: 'desc' },
  first_seen: { column: 'first_seen_ms', kind: 'number', defaultOrder: 'desc' },
  risk: { column: 'risk_score', kind: 'number', defaultOrder: 'desc' },
};

export interface EndpointListSql {
  /** `WHERE …` of the filters alone (for the total), or ''. */
  filter: string;
  filterParams: unknown[];
  /** `SELECT … LIMIT ?` of the page (asks for one row more than `limit`, to know if more follow). */
  page: string;
  pageParams: unknown[];
  limit: number;
  /** Cursor that continues after `row`. */
  cursorAfter(row: { id: string; sortValue: string | number }): string;
  /** Column of `endpoints` whose value goes into the cursor. */
  sortColumn: string;
  sortKind: 'string' | 'number';
}

type CursorBody = [EndpointSort, SortOrder, string | number, string];

export function encodeEndpointCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The position a cursor continues from; a cursor from another sort or not from us is a 400. */
export function decodeEndpointCursor(cursor: string, sort: EndpointSort, order: SortOrder): { value: string | number; id: string } {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    body = undefined;
  }
  const kind = SORT_COLUMNS[sort].kind;
  if (
    !Array.isArray(body) ||
    body.length !== 4 ||
    body[0] !== sort ||
    body[1] !== order ||
    typeof body[2] !== kind ||
    typeof body[3] !== 'string'
  ) {
    throw new PalisadeError(Errors.BadCursor, `the cursor was not produced by this API for sort=${sort}&order=${order}`);
  }
  return { value: body[2] as string | number, id: body[3] as string };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

function filtersOf(q: EndpointQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.host) {
    where.push('host = ?');
    params.push(q.host.toLowerCase());
  }
  if (q.method) {
    where.push('method = ?');
    params.push(q.method.toUpperCase());
  }
  if (q.search) {
    // Lower-cased on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
    where.push(`(LOWER(path_template) LIKE ? ESCAPE '\\' OR LOWER(host) LIKE ? ESCAPE '\\')`);
    const pattern = `%${escapeLike(q.search.toLowerCase())}%`;
    params.push(pattern, pattern);
  }
  if (q.postureClass === 'known') where.push('posture_classes = 0');
  else if (q.postureClass) {
    where.push('(posture_classes & ?) <> 0');
    params.push(POSTURE_CLASS_BITS[q.postureClass]);
  }
  if (q.sensitive !== undefined) {
    where.push(`${q.sensitive ? '' : 'NOT '}EXISTS (SELECT 1 FROM endpoint_findings f WHERE f.endpoint_id = endpoints.id)`);
  }
  return { where, params };
}

export function endpointListSql(q: EndpointQuery, limit: number): EndpointListSql {
  const sort: EndpointSort = q.sort ?? 'id';
  if (!ENDPOINT_SORTS.includes(sort)) throw new PalisadeError(Errors.BadRequest, `sort must be one of ${ENDPOINT_SORTS.join(', ')}`);
  const { column, kind, defaultOrder } = SORT_COLUMNS[sort];
  const order: SortOrder = q.order ?? defaultOrder;
  const { where, params } = filtersOf(q);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const pageWhere = [...where];
  const pageParams = [...params];
  if (q.cursor) {
    const after = decodeEndpointCursor(q.cursor, sort, order);
    if (column === 'id') {
      pageWhere.push(`id ${order === 'asc' ? '>' : '<'} ?`);
      pageParams.push(after.id);
    } else {
      pageWhere.push(`(${column}, id) ${order === 'asc' ? '>' : '<'} (?, ?)`);
      pageParams.push(after.value, after.id);
    }
  }
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const orderBy = column === 'id' ? `id ${dir}` : `${column} ${dir}, id ${dir}`;
  return {
    filter,
    filterParams: params,
    page: `SELECT * FROM endpoints ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ?`,
    pageParams: [...pageParams, limit + 1],
    limit,
    cursorAfter: (row) => encodeEndpointCursor([sort, order, row.sortValue, row.id]),
    sortColumn: column,
    sortKind: kind,
  };
}
