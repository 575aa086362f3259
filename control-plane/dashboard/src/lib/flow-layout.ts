// Lays out the flow graph in five columns (clients → gateways → APIs → endpoints → destinations): pure geometry,
// so the picture is deterministic and testable. Nodes in a column are ordered by volume.
import type { FlowEdge, FlowGraph, FlowNode } from './api.ts';

export const COLUMNS: FlowNode['kind'][] = ['client', 'gateway', 'api', 'endpoint', 'destination'];

export interface PlacedNode extends FlowNode {
  x: number;
  y: number;
  volume: number;
}

export interface PlacedEdge extends FlowEdge {
  path: string;
  width: number;
  health: 'good' | 'blocked' | 'limited' | 'sensitive' | 'error';
}

export function edgeHealth(e: FlowEdge): PlacedEdge['health'] {
  if (e.requests === 0) return 'good';
  if (e.blocked / e.requests > 0.05) return 'blocked';
  if (e.rateLimited / e.requests > 0.05) return 'limited';
  if (e.sensitive > 0) return 'sensitive';
  if (e.errors / e.requests > 0.1) return 'error';
  return 'good';
}

export function layoutFlows(
  graph: FlowGraph,
  width: number,
  rowHeight = 34,
  maxPerColumn = 40,
): { nodes: PlacedNode[]; edges: PlacedEdge[]; height: number } {
  const volume = new Map<string, number>();
  for (const e of graph.edges) {
    volume.set(e.from, (volume.get(e.from) ?? 0) + e.requests);
    volume.set(e.to, (volume.get(e.to) ?? 0) + e.requests);
  }
  const colX = (i: number) => 12 + (i * (width - 200)) / (COLUMNS.length - 1);
  const placed = new Map<string, PlacedNode>();
  let rows = 0;
  COLUMNS.forEach((kind, ci) => {
    const inCol = graph.nodes
      .filter((n) => n.kind === kind)
      .map((n) => ({ ...n, volume: volume.get(n.id) ?? 0 }))
      .sort((a, b) => b.volume - a.volume || a.label.localeCompare(b.label))
      .slice(0, maxPerColumn);
    rows = Math.max(rows, inCol.length);
    inCol.forEach((n, ri) => placed.set(n.id, { ...n, x: colX(ci), y: 20 + ri * rowHeight }));
  });
  const maxReq = Math.max(1, ...graph.edges.map((e) => e.requests));
  const edges: PlacedEdge[] = [];
  for (const e of graph.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + 170;
    const x2 = b.x;
    const mid = (x1 + x2) / 2;
    edges.push({
      ...e,
      path: `M${x1},${a.y} C${mid},${a.y} ${mid},${b.y} ${x2},${b.y}`,
      width: 1 + 9 * Math.sqrt(e.requests / maxReq),
      health: edgeHealth(e),
    });
  }
  return { nodes: [...placed.values()], edges, height: 40 + rows * rowHeight };
}
