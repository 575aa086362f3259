// Flow graph with one-click mitigation.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { useAsync, useInterval } from '../lib/hooks.ts';
import { FlowGraphView, type Selection } from '../components/flow-graph.tsx';
import { MitigationPanel } from '../components/mitigation-panel.tsx';
import type { MitigationTarget } from '../lib/mitigation.ts';
import { fmtInt } from '../lib/format.ts';

function targetOf(s: Selection): MitigationTarget | undefined {
  const endpointTarget = (n: { host?: string; detail?: string; label: string }) => {
    const [method, path] = n.label.split(' ');
    return { host: n.host, method, pathTemplate: path, label: n.label };
  };
  if (s.kind === 'node') {
    if (s.node.kind === 'endpoint') return endpointTarget(s.node);
    if (s.node.kind === 'api') return { host: s.node.host ?? s.node.label, label: `all of ${s.node.label}` };
    if (s.node.kind === 'client' && s.node.detail) return { clientCidr: s.node.detail, label: `clients in ${s.node.label}` };
    return undefined;
  }
  const to =
    s.to.kind === 'endpoint'
      ? endpointTarget(s.to)
      : s.to.kind === 'api'
        ? { host: s.to.host ?? s.to.label, label: s.to.label }
        : undefined;
  const clientCidr = s.from.kind === 'client' ? s.from.detail : undefined;
  if (!to && !clientCidr) return undefined;
  return { ...(to ?? {}), clientCidr, label: `${s.from.label} → ${s.to.label}` };
}

export function FlowsPage({ canEdit }: { canEdit: boolean }) {
  const [windowMinutes, setWindow] = useState(60);
  const graph = useAsync(() => api.flows(windowMinutes), [windowMinutes]);
  useInterval(graph.reload, 15_000);
  const [selection, setSelection] = useState<Selection>();
  const target = selection && targetOf(selection);
  const selectedId =
    selection?.kind === 'node' ? selection.node.id : selection ? `${selection.edge.from}->${selection.edge.to}` : undefined;
  return (
    <div class="page">
      <h1>Flows</h1>
      <label>
        Window{' '}
        <select value={windowMinutes} onChange={(e) => setWindow(Number((e.target as HTMLSelectElement).value))}>
          <option value={15}>15 minutes</option>
          <option value={60}>1 hour</option>
          <option value={1440}>24 hours</option>
        </select>
      </label>
      {graph.error && <p class="error">Could not load flows: {graph.error.message}</p>}
      {graph.data && graph.data.edges.length === 0 && <p class="muted">No traffic in this window.</p>}
      {graph.data && <FlowGraphView graph={graph.data} selected={selectedId} onSelect={setSelection} />}
      {selection?.kind === 'edge' && (
        <p>
          {fmtInt(selection.edge.requests)} requests · {fmtInt(selection.edge.blocked)} blocked · {fmtInt(selection.edge.rateLimited)}{' '}
          rate-limited · {fmtInt(selection.edge.errors)} errors · {fmtInt(selection.edge.sensitive)} with sensitive data
        </p>
      )}
      {target ? (
        <MitigationPanel key={JSON.stringify(target)} target={target} canEdit={canEdit} />
      ) : (
        selection && <p class="muted">Select an endpoint, an API, a client network or an edge to act on it.</p>
      )}
    </div>
  );
}
