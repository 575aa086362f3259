// A virtualized table over server-side pages: only the rows in view are in the DOM, the next page
// is fetched as the user scrolls near the end, and sorting or searching restarts from page one.
// Stays fast with 10,000+ endpoints because neither the DOM nor the fetches grow with the total.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../lib/api.ts';

export interface Column<T> {
  key: string;
  label: string;
  width?: string;
  sortable?: boolean;
  align?: 'right';
  render: (row: T) => ComponentChildren;
}

interface Props<T> {
  columns: Column<T>[];
  load: (cursor: string | undefined) => Promise<Page<T>>;
  /** Changing it reloads from the first page (query, sort...). */
  reloadKey: string;
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  rowHeight?: number;
  height?: number;
  caption: string;
}

export function VirtualTable<T>({
  columns,
  load,
  reloadKey,
  rowKey,
  onOpen,
  sort,
  onSort,
  rowHeight = 36,
  height = 560,
  caption,
}: Props<T>) {
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState<number | undefined>();
  const [error, setError] = useState<string>();
  const [scrollTop, setScrollTop] = useState(0);
  const cursor = useRef<string | undefined>(undefined);
  const done = useRef(false);
  const loading = useRef(false);
  const generation = useRef(0);

  const fetchMore = useCallback(async () => {
    if (loading.current || done.current) return;
    loading.current = true;
    const gen = generation.current;
    try {
      const page = await load(cursor.current);
      if (gen !== generation.current) return;
      cursor.current = page.nextCursor || undefined;
      done.current = !page.nextCursor;
      if (page.total !== undefined) setTotal(Number(page.total));
      setRows((r) => [...r, ...page.items]);
      setError(undefined);
    } catch (e) {
      if (gen === generation.current) setError((e as Error).message);
    } finally {
      if (gen === generation.current) loading.current = false;
    }
  }, [load]);

  useEffect(() => {
    generation.current++;
    cursor.current = undefined;
    done.current = false;
    loading.current = false;
    setRows([]);
    setTotal(undefined);
    setScrollTop(0);
    void fetchMore();
  }, [reloadKey]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 5);
  const visible = Math.ceil(height / rowHeight) + 10;
  const slice = rows.slice(first, first + visible);
  useEffect(() => {
    if (first + visible >= rows.length - 20) void fetchMore();
  }, [first, rows.length]);

  const template = columns.map((c) => c.width ?? '1fr').join(' ');
  return (
    <div class="vtable" role="table" aria-label={caption} aria-rowcount={total ?? rows.length}>
      <div class="vrow vhead" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => {
          const active = sort?.key === c.key;
          const ariaSort = active ? (sort!.order === 'asc' ? 'ascending' : 'descending') : 'none';
          return (
            <div role="columnheader" aria-sort={c.sortable ? ariaSort : undefined} class={c.align === 'right' ? 'num' : ''} key={c.key}>
              {c.sortable && onSort ? (
                <button class="link sort" onClick={() => onSort(c.key)}>
                  {c.label} {active ? (sort!.order === 'asc' ? '▲' : '▼') : ''}
                </button>
              ) : (
                c.label
              )}
            </div>
          );
        })}
      </div>
      <div class="vbody" style={{ height: `${height}px` }} onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}>
        <div style={{ height: `${rows.length * rowHeight}px`, position: 'relative' }} role="rowgroup">
          {slice.map((row, i) => (
            <div
              key={rowKey(row)}
              role="row"
              aria-rowindex={first + i + 1}
              tabIndex={onOpen ? 0 : -1}
              class={`vrow${onOpen ? ' clickable' : ''}`}
              style={{
                gridTemplateColumns: template,
                position: 'absolute',
                top: `${(first + i) * rowHeight}px`,
                height: `${rowHeight}px`,
                left: 0,
                right: 0,
              }}
              onClick={() => onOpen?.(row)}
              onKeyDown={(e) => e.key === 'Enter' && onOpen?.(row)}
            >
              {columns.map((c) => (
                <div role="cell" class={c.align === 'right' ? 'num' : ''} key={c.key}>
                  {c.render(row)}
                </div>
              ))}
            </div>
          ))}
        </div>
      </div>
      <div class="vfoot">
        {error ? (
          <span class="error">Could not load: {error}</span>
        ) : (
          `${rows.length.toLocaleString('en-US')} of ${(total ?? rows.length).toLocaleString('en-US')} shown`
        )}
      </div>
    </div>
  );
}
