// Flow graph with one-click mitigation. Clients can be grouped by network, organisation (ASN) or
// country; acting on a group matches every network in it.
import { useState } from 'preact/hooks';
import { api, type ClientGrouping } from '../lib/api.ts';
import { useAsync, useInterval } from '../lib/hooks.ts';
import { clientName, FlowGraphView, type Selection } from '../components/flow-graph.tsx';
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
    if (s.node.kind === 'client' && s.node.networks?.length)
      return { clientCidrs: s.node.networks, label: `clients in ${clientName(s.node)}` };
    return undefined;
  }
  const to =
    s.to.kind === 'endpoint'
      ? endpointTarget(s.to)
      : s.to.kind === 'api'
        ? { host: s.to.host ?? s.to.label, label: s.to.label }
        : undefined;
  if (s.from.kind !== 'client') return to && { ...to, label: `${s.from.label} → ${s.to.label}` };
  // A client group without its networks (other clients, or too many networks) cannot be matched:
  // acting on the edge would hit every client of the endpoint instead.
  if (!s.from.networks?.length) return undefined;
  return { ...(to ?? {}), clientCidrs: s.from.networks, label: `${clientName(s.from)} → ${s.to.label}` };
}

export function FlowsPage({ canEdit }: { canEdit: boolean }) {
  const [windowMinutes, setWindow] = useState(60);
  const [grouping, setGrouping] = useState<ClientGrouping>('network');
  const graph = useAsync(() => api.flows(windowMinutes, grouping), [windowMinutes, grouping]);
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
      </label>{' '}
      <label>
        Group clients by{' '}
        <select
          value={grouping}
          onChange={(e) => {
            setSelection(undefined);
            setGrouping((e.target as HTMLSelectElement).value as ClientGrouping);
          }}
        >
          <option value="network">network</option>
          <option value="organisation">organisation</option>
          <option value="country">country</option>
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
        selection && <p class="muted">Select an endpoint, an API, a client group or an edge from one to act on it.</p>
      )}
    </div>
  );
}
