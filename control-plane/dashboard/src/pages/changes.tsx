// Posture changes: a filterable timeline with CSV / JSON Lines export.
import { useCallback, useState } from 'preact/hooks';
import { api, num, type PostureChange } from '../lib/api.ts';
import { VirtualTable, type Column } from '../components/virtual-table.tsx';
import { fmtTime } from '../lib/format.ts';
import { signalToast } from '../lib/toasts.ts';

// The kinds of control-plane/posture/posture-changes.ts (POSTURE_EVENT_KINDS); '' = all.
const KINDS = [
  '',
  'endpoint-new',
  'sensitive-data-new',
  'risk-threshold-crossed',
  'conformance-violation-new',
  'conformance-violation-resolved',
  'auth-weakened',
  'endpoint-zombie',
];

const COLUMNS: Column<PostureChange>[] = [
  { key: 'at', label: 'When', width: '170px', render: (c) => fmtTime(num(c.atMs)) },
  { key: 'kind', label: 'Change', width: '170px', render: (c) => <span class={`pill pill-${c.kind}`}>{c.kind}</span> },
  { key: 'severity', label: 'Severity', width: '90px', render: (c) => (c.severity ?? '').replace('SEVERITY_', '').toLowerCase() || '—' },
  {
    key: 'endpoint',
    label: 'Endpoint',
    width: 'minmax(200px,2fr)',
    render: (c) => (c.endpointId ? <a href={`#/endpoints/${encodeURIComponent(c.endpointId)}`}>{c.endpoint ?? c.endpointId}</a> : '—'),
  },
  { key: 'summary', label: 'What changed', width: 'minmax(240px,3fr)', render: (c) => c.summary },
];

export function ChangesPage() {
  const [kind, setKind] = useState('');
  const load = useCallback((cursor: string | undefined) => api.changes({ limit: 200, cursor, kind: kind || undefined }), [kind]);
  async function exportAs(format: 'csv' | 'jsonl') {
    try {
      await api.download(api.changesExportUrl(format, kind || undefined), `posture-changes.${format === 'csv' ? 'csv' : 'jsonl'}`);
    } catch (e) {
      signalToast.show(`Export failed: ${(e as Error).message}`, 'error');
    }
  }
  return (
    <div class="page">
      <h1>Posture changes</h1>
      <div class="toolbar">
        <label>
          Change{' '}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k || 'all'}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => exportAs('csv')}>Export CSV</button>
        <button onClick={() => exportAs('jsonl')}>Export JSON Lines</button>
      </div>
      <VirtualTable<PostureChange> caption="Posture changes" columns={COLUMNS} load={load} reloadKey={kind} rowKey={(c) => String(c.id)} />
    </div>
  );
}
