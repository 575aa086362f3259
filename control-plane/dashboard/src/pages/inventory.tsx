// Inventory: searchable, sortable, virtualized table over server-side pages.
import { useCallback, useState } from 'preact/hooks';
import { api, num, type Endpoint } from '../lib/api.ts';
import { useAsync, useDebounced } from '../lib/hooks.ts';
import { signalToast } from '../lib/toasts.ts';
import { VirtualTable, type Column } from '../components/virtual-table.tsx';
import { enumLabel, fmtAgo, fmtInt } from '../lib/format.ts';
import { navigate, type Route } from '../lib/router.ts';

const COLUMNS: Column<Endpoint>[] = [
  { key: 'method', label: 'Method', width: '80px', render: (e) => <span class={`method m-${e.key?.method}`}>{e.key?.method}</span> },
  {
    key: 'path',
    label: 'Endpoint',
    width: 'minmax(240px,3fr)',
    sortable: true,
    render: (e) => <span title={e.key?.pathTemplate}>{e.key?.pathTemplate}</span>,
  },
  { key: 'host', label: 'Host', width: 'minmax(140px,1.5fr)', sortable: true, render: (e) => e.key?.host },
  {
    key: 'risk',
    label: 'Risk',
    width: '70px',
    sortable: true,
    align: 'right',
    render: (e) => <span class={`risk r${Math.floor((e.riskScore ?? 0) / 25)}`}>{e.riskScore ?? 0}</span>,
  },
  {
    key: 'class',
    label: 'Spec status',
    width: '100px',
    render: (e) => <span class={`pill pill-${e.postureClass || 'known'}`}>{e.postureClass || 'known'}</span>,
  },
  {
    key: 'auth',
    label: 'Auth',
    width: '140px',
    render: (e) => (e.authSchemes ?? []).map((a) => enumLabel(a, 'AUTH_SCHEME_')).join(', ') || '—',
  },
  {
    key: 'data',
    label: 'Data types',
    width: 'minmax(140px,1.5fr)',
    render: (e) => [...new Set((e.findings ?? []).map((f) => f.type))].join(', ') || '—',
  },
  { key: 'requests', label: 'Requests', width: '100px', sortable: true, align: 'right', render: (e) => fmtInt(e.requests) },
  { key: 'lastSeen', label: 'Last seen', width: '100px', sortable: true, render: (e) => fmtAgo(num(e.lastSeenMs)) },
];

export function InventoryPage({ route, canEdit }: { route: Route; canEdit: boolean }) {
  const [query, setQuery] = useState(route.query.get('q') ?? '');
  const [postureClass, setClass] = useState(route.query.get('class') ?? '');
  const [sort, setSort] = useState<{ key: string; order: 'asc' | 'desc' }>({ key: 'risk', order: 'desc' });
  const q = useDebounced(query, 250);
  const load = useCallback(
    (cursor: string | undefined) =>
      api.endpoints({ limit: 200, cursor, q: q || undefined, sort: sort.key, order: sort.order, class: postureClass || undefined }),
    [q, sort.key, sort.order, postureClass],
  );
  const [specName, setSpecName] = useState('');
  const hosts = useAsync(() => api.get<{ items: { host: string; endpoints: number }[] }>('/v1/posture/hosts'), []);
  const [apiHost, setApiHost] = useState('');
  async function downloadOpenApi() {
    try {
      await api.download(api.openApiUrl(apiHost || undefined), `${apiHost || 'all-apis'}.openapi.yaml`);
    } catch (err) {
      signalToast.show(`Download failed: ${(err as Error).message}`, 'error');
    }
  }
  async function upload(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await api.uploadSpec(specName || file.name, await file.text());
      signalToast.show(`Uploaded ${file.name}`, 'ok');
    } catch (err) {
      signalToast.show(`Upload failed: ${(err as Error).message}`, 'error');
    }
    input.value = '';
  }
  return (
    <div class="page">
      <h1>Inventory</h1>
      <div class="toolbar">
        <label>
          Search{' '}
          <input
            type="search"
            value={query}
            placeholder="path, host, data type…"
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Class{' '}
          <select value={postureClass} onChange={(e) => setClass((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            <option value="known">known</option>
            <option value="shadow">shadow</option>
            <option value="zombie">zombie</option>
            <option value="orphaned">orphaned</option>
          </select>
        </label>
        <label>
          API{' '}
          <select value={apiHost} onChange={(e) => setApiHost((e.target as HTMLSelectElement).value)}>
            <option value="">all hosts</option>
            {(hosts.data?.items ?? []).map((h) => (
              <option key={h.host} value={h.host}>
                {h.host} ({h.endpoints})
              </option>
            ))}
          </select>
        </label>
        <button onClick={downloadOpenApi}>Download OpenAPI</button>
        {canEdit && (
          <span class="upload">
            <label>
              API name{' '}
              <input value={specName} onInput={(e) => setSpecName((e.target as HTMLInputElement).value)} style={{ width: '10em' }} />
            </label>
            <label class="button">
              Upload spec
              <input type="file" accept=".json,.yaml,.yml" class="sr-only" onChange={upload} />
            </label>
          </span>
        )}
      </div>
      <VirtualTable<Endpoint>
        caption="API endpoints"
        columns={COLUMNS}
        load={load}
        reloadKey={`${q}|${sort.key}|${sort.order}|${postureClass}`}
        rowKey={(e) => e.id}
        sort={sort}
        onSort={(key) => setSort((s) => ({ key, order: s.key === key && s.order === 'desc' ? 'asc' : 'desc' }))}
        onOpen={(e) => navigate(`/endpoints/${encodeURIComponent(e.id)}`)}
      />
    </div>
  );
}
