// The flow graph of a window as a pure function of grouped traffic rows: clients (by network and
// country) → gateways → APIs (hosts) → endpoints, every edge with its volume and how much of it
// was bad (blocked, rate-limited, errors, sensitive data). Bounded: the busiest client networks
// and endpoints get their own nodes, the rest are folded into one "other" node per column so the
// totals still add up.
import type { EndpointLabel, FlowRow } from './event-queries.ts';
import { clientNetwork } from './client-network.ts';
import type { FlowEdge, FlowGraph, FlowNode } from './view-types.ts';

export type { FlowEdge, FlowGraph, FlowNode };

export interface FlowLimits {
  clients: number;
  endpoints: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = { clients: 12, endpoints: 40 };

const OTHER_CLIENTS = 'client:other';
const OTHER_ENDPOINTS = 'endpoint:other';

type Counts = Omit<FlowEdge, 'from' | 'to'>;
const zero = (): Counts => ({ requests: 0, blocked: 0, rateLimited: 0, errors: 0, sensitive: 0 });
function add(into: Counts, r: Counts): void {
  into.requests += r.requests;
  into.blocked += r.blocked;
  into.rateLimited += r.rateLimited;
  into.errors += r.errors;
  into.sensitive += r.sensitive;
}

/** The `limit` keys with the most requests. */
function busiest(totals: Map<string, number>, limit: number): Set<string> {
  return new Set(
    [...totals]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([k]) => k),
  );
}

function endpointTotals(rows: readonly FlowRow[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.endpointId, (totals.get(r.endpointId) ?? 0) + r.requests);
  return totals;
}

/** Endpoints that get their own node (the only ones whose labels the graph needs). */
export function busiestEndpointIds(rows: readonly FlowRow[], limits: FlowLimits = DEFAULT_FLOW_LIMITS): string[] {
  return [...busiest(endpointTotals(rows), limits.endpoints)];
}

export function buildFlowGraph(input: {
  rows: readonly FlowRow[];
  labels: ReadonlyMap<string, EndpointLabel>;
  /** Country of a client address (ISO code or `internal`), when geo is available. */
  countryOf?: (ip: string) => string | undefined;
  windowMs: number;
  truncated: boolean;
  limits?: FlowLimits;
}): FlowGraph {
  const limits = input.limits ?? DEFAULT_FLOW_LIMITS;
  const networkOf = new Map<string, string | null>();
  const net = (ip: string) => {
    let v = networkOf.get(ip);
    if (v === undefined) networkOf.set(ip, (v = clientNetwork(ip)));
    return v;
  };
  const clientTotals = new Map<string, number>();
  for (const r of input.rows) {
    const c = net(r.clientIp) ?? OTHER_CLIENTS;
    clientTotals.set(c, (clientTotals.get(c) ?? 0) + r.requests);
  }
  clientTotals.delete(OTHER_CLIENTS);
  const topClients = busiest(clientTotals, limits.clients);
  const topEndpoints = busiest(endpointTotals(input.rows), limits.endpoints);

  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
  const countryOfNet = new Map<string, string | undefined>();
  const node = (id: string, make: () => Omit<FlowNode, 'id' | 'requests'>, requests: number) => {
    let nd = nodes.get(id);
    if (!nd) nodes.set(id, (nd = { id, ...make(), requests: 0 }));
    nd.requests += requests;
  };
  const edge = (from: string, to: string, r: Counts) => {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from, to, ...zero() }));
    add(e, r);
  };

  for (const r of input.rows) {
    const network = net(r.clientIp);
    const clientId = network && topClients.has(network) ? `client:${network}` : OTHER_CLIENTS;
    if (network && clientId !== OTHER_CLIENTS && !countryOfNet.has(network)) countryOfNet.set(network, input.countryOf?.(r.clientIp));
    node(
      clientId,
      () => {
        if (clientId === OTHER_CLIENTS) return { kind: 'client', label: 'other clients' };
        const country = countryOfNet.get(network!);
        return { kind: 'client', label: country ? `${network} · ${country}` : network!, detail: network! };
      },
      r.requests,
    );
    const gatewayId = `gateway:${r.gatewayId}`;
    node(gatewayId, () => ({ kind: 'gateway', label: r.gatewayId }), r.requests);
    const apiId = `api:${r.host}`;
    node(apiId, () => ({ kind: 'api', label: r.host, host: r.host }), r.requests);
    const label = input.labels.get(r.endpointId);
    const endpointId = topEndpoints.has(r.endpointId) && label ? `endpoint:${r.endpointId}` : OTHER_ENDPOINTS;
    node(
      endpointId,
      () =>
        endpointId === OTHER_ENDPOINTS || !label
          ? { kind: 'endpoint', label: 'other endpoints' }
          : { kind: 'endpoint', label: `${label.method} ${label.pathTemplate}`, endpointId: r.endpointId, host: label.host },
      r.requests,
    );
    edge(clientId, gatewayId, r);
    edge(gatewayId, apiId, r);
    edge(apiId, endpointId, r);
  }
  const byVolume = <T extends { requests: number }>(a: T, b: T) => b.requests - a.requests;
  return {
    nodes: [...nodes.values()].sort(byVolume),
    edges: [...edges.values()].sort(byVolume),
    windowMs: input.windowMs,
    truncated: input.truncated,
  };
}
