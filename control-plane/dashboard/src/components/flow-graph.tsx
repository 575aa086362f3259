// The flow graph: edges sized by volume and coloured by health. Every node and edge is a button
// (keyboard and screen reader reachable) that selects it for mitigation. SVG attributes are case-
// sensitive: `tabindex` (lower case) is what makes a <g> focusable; `tabIndex` is ignored there.
import type { FlowGraph, FlowNode } from '../lib/api.ts';
import { COLUMNS, layoutFlows, type PlacedEdge, type PlacedNode } from '../lib/flow-layout.ts';
import { fmtInt } from '../lib/format.ts';

const COLUMN_TITLES = { client: 'Clients', gateway: 'Gateways', api: 'APIs', endpoint: 'Endpoints', destination: 'Destinations' } as const;

/** `8.8.8.0/24 · US (AS15169 Google LLC)`: the node's label with the network owner when it is not the label already. */
export function clientName(n: FlowNode): string {
  const owner = n.asn !== undefined ? `AS${n.asn}${n.org ? ` ${n.org}` : ''}` : undefined;
  return owner && owner !== n.label ? `${n.label} (${owner})` : n.label;
}

export type Selection = { kind: 'node'; node: PlacedNode } | { kind: 'edge'; edge: PlacedEdge; from: PlacedNode; to: PlacedNode };

export function FlowGraphView({
  graph,
  width = 1100,
  selected,
  onSelect,
}: {
  graph: FlowGraph;
  width?: number;
  selected?: string;
  onSelect: (s: Selection) => void;
}) {
  const { nodes, edges, height } = layoutFlows(graph, width);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return (
    <div class="flowgraph">
      <div class="flowcols" aria-hidden="true">
        {COLUMNS.map((c) => (
          <span key={c}>{COLUMN_TITLES[c]}</span>
        ))}
      </div>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="group"
        aria-label="Traffic flows from clients through gateways to APIs, endpoints and their destinations"
      >
        {edges.map((e) => {
          const id = `${e.from}->${e.to}`;
          const from = byId.get(e.from)!;
          const to = byId.get(e.to)!;
          const text = `${from.label} to ${to.label}: ${fmtInt(e.requests)} requests, ${fmtInt(e.blocked)} blocked, ${fmtInt(e.rateLimited)} rate-limited, ${fmtInt(e.errors)} errors, ${fmtInt(e.sensitive)} with sensitive data`;
          return (
            <g
              key={id}
              class={`edge edge-${e.health}${selected === id ? ' selected' : ''}`}
              role="button"
              tabindex={0}
              aria-label={text}
              onClick={() => onSelect({ kind: 'edge', edge: e, from, to })}
              onKeyDown={(ev) => (ev.key === 'Enter' || ev.key === ' ') && onSelect({ kind: 'edge', edge: e, from, to })}
            >
              <title>{text}</title>
              <path d={e.path} stroke-width={e.width} fill="none" />
              <path d={e.path} stroke-width={Math.max(12, e.width)} fill="none" class="hit" />
            </g>
          );
        })}
        {nodes.map((n) => (
          <g
            key={n.id}
            class={`node node-${n.kind}${selected === n.id ? ' selected' : ''}`}
            transform={`translate(${n.x},${n.y - 12})`}
            role="button"
            tabindex={0}
            aria-label={`${COLUMN_TITLES[n.kind].slice(0, -1)} ${clientName(n)}, ${fmtInt(n.volume)} requests`}
            data-node={n.id}
            onClick={() => onSelect({ kind: 'node', node: n })}
            onKeyDown={(ev) => (ev.key === 'Enter' || ev.key === ' ') && onSelect({ kind: 'node', node: n })}
          >
            <title>{clientName(n)}</title>
            <rect width="170" height="24" rx="5" />
            <text x="8" y="16">
              {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
            </text>
          </g>
        ))}
      </svg>
      <p class="legend-row">
        <span class="legend">
          <i class="sw good" /> good
        </span>
        <span class="legend">
          <i class="sw blocked" /> blocked
        </span>
        <span class="legend">
          <i class="sw limited" /> rate-limited
        </span>
        <span class="legend">
          <i class="sw sensitive" /> sensitive data out
        </span>
        <span class="legend">
          <i class="sw error" /> errors
        </span>
      </p>
    </div>
  );
}
