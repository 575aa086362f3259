// The flow graph of a window as a pure function of grouped traffic rows: clients (grouped by
// network, by organisation — the ASN that announces the address — or by country) → gateways →
// APIs (hosts) → endpoints → destinations (the upstream networks the calls went to), every edge
// with its volume and how much of it was bad (blocked, rate-limited, errors, sensitive data).
// Bounded: the busiest client networks, endpoints and destinations get their own nodes, the rest
// are folded into one "other" node per column so the totals still add up.
import type { EndpointLabel, FlowRow } from './event-queries.ts';
import { clientNetwork } from './client-network.ts';
import {
  destinationKey,
  destinationNode,
  NO_UPSTREAM,
  noUpstreamNode,
  OTHER_DESTINATIONS,
  otherDestinationsNode,
} from './flow-destinations.ts';
import type { ClientGeo, ClientGeoOf } from './client-geo.ts';
import { CLIENT_GROUPINGS, type ClientGrouping, type FlowEdge, type FlowGraph, type FlowNode } from './view-types.ts';

export { CLIENT_GROUPINGS };
export type { ClientGrouping, FlowEdge, FlowGraph, FlowNode };

export interface FlowLimits {
  clients: number;
  endpoints: number;
  destinations: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = { clients: 12, endpoints: 40, destinations: 12 };

const OTHER_CLIENTS = 'client:other';
const OTHER_ENDPOINTS = 'endpoint:other';
/**
 * Networks a client group may hold and still be acted on: a mitigation matches every one of them
 * (policy `clientCidrs`), so a group with more is shown without them rather than half-matched.
 */
export const MAX_GROUP_NETWORKS = 64;

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

/** What a client address is grouped under, and how the group is labelled. */
interface ClientKey {
  key: string;
  network: string;
  geo: ClientGeo | undefined;
}

function clientKey(ip: string, grouping: ClientGrouping, geoOf: ClientGeoOf | undefined): ClientKey | null {
  const network = clientNetwork(ip);
  if (!network) return null;
  const geo = geoOf?.(ip);
  if (grouping === 'organisation') {
    if (geo?.asn !== undefined) return { key: `AS${geo.asn}`, network, geo };
    if (geo?.country === 'internal') return { key: 'internal', network, geo };
  }
  if (grouping === 'country' && geo?.country) return { key: `country:${geo.country}`, network, geo };
  // No organisation or country known: the network alone is the group.
  return { key: network, network, geo };
}

function clientNode(k: ClientKey, grouping: ClientGrouping, networks: readonly string[]): Omit<FlowNode, 'id' | 'requests'> {
  const { geo } = k;
  const node: Omit<FlowNode, 'id' | 'requests'> = { kind: 'client', label: k.network };
  if (geo?.country) node.country = geo.country;
  if (geo?.asn !== undefined) node.asn = geo.asn;
  if (geo?.org) node.org = geo.org;
  if (networks.length <= MAX_GROUP_NETWORKS) node.networks = [...networks];
  if (k.key === k.network) {
    node.detail = k.network;
    node.label = geo?.country ? `${k.network} · ${geo.country}` : k.network;
  } else if (k.key === 'internal') {
    node.label = 'internal networks';
  } else if (grouping === 'organisation') {
    node.label = `AS${geo!.asn}${geo?.org ? ` ${geo.org}` : ''}`;
    // One organisation can announce addresses in several countries: the country is the first seen.
  } else {
    node.label = geo!.country!;
    delete node.asn;
    delete node.org;
  }
  return node;
}

export function buildFlowGraph(input: {
  rows: readonly FlowRow[];
  labels: ReadonlyMap<string, EndpointLabel>;
  /** Country and network owner of a client address, when geo is available. */
  geoOf?: ClientGeoOf;
  /** How client addresses are grouped into nodes (default: by network). */
  clients?: ClientGrouping;
  windowMs: number;
  truncated: boolean;
  limits?: FlowLimits;
}): FlowGraph {
  const limits = input.limits ?? DEFAULT_FLOW_LIMITS;
  const grouping = input.clients ?? 'network';
  const keyOf = new Map<string, ClientKey | null>();
  const key = (ip: string) => {
    let v = keyOf.get(ip);
    if (v === undefined) keyOf.set(ip, (v = clientKey(ip, grouping, input.geoOf)));
    return v;
  };
  const clientTotals = new Map<string, number>();
  /** Group key → its networks with their volumes (a mitigation of the group matches them all). */
  const groupNetworks = new Map<string, Map<string, number>>();
  for (const r of input.rows) {
    const k = key(r.clientIp);
    if (!k) continue;
    clientTotals.set(k.key, (clientTotals.get(k.key) ?? 0) + r.requests);
    let nets = groupNetworks.get(k.key);
    if (!nets) groupNetworks.set(k.key, (nets = new Map()));
    nets.set(k.network, (nets.get(k.network) ?? 0) + r.requests);
  }
  const topClients = busiest(clientTotals, limits.clients);
  const topEndpoints = busiest(endpointTotals(input.rows), limits.endpoints);
  const destinationTotals = new Map<string, number>();
  for (const r of input.rows) {
    const d = destinationKey(r.upstreamIp);
    if (d) destinationTotals.set(d, (destinationTotals.get(d) ?? 0) + r.requests);
  }
  const topDestinations = busiest(destinationTotals, limits.destinations);

  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
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
    const k = key(r.clientIp);
    const clientId = k && topClients.has(k.key) ? `client:${k.key}` : OTHER_CLIENTS;
    node(
      clientId,
      () =>
        clientId === OTHER_CLIENTS || !k
          ? { kind: 'client', label: 'other clients' }
          : clientNode(k, grouping, [...busiest(groupNetworks.get(k.key)!, Infinity)]),
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
    const network = destinationKey(r.upstreamIp);
    const destinationId = !network ? NO_UPSTREAM : topDestinations.has(network) ? `destination:${network}` : OTHER_DESTINATIONS;
    node(
      destinationId,
      () =>
        destinationId === NO_UPSTREAM
          ? noUpstreamNode()
          : destinationId === OTHER_DESTINATIONS
            ? otherDestinationsNode()
            : destinationNode(network!, r.upstreamIp, input.geoOf),
      r.requests,
    );
    edge(clientId, gatewayId, r);
    edge(gatewayId, apiId, r);
    edge(apiId, endpointId, r);
    edge(endpointId, destinationId, r);
  }
  const byVolume = <T extends { requests: number }>(a: T, b: T) => b.requests - a.requests;
  return {
    nodes: [...nodes.values()].sort(byVolume),
    edges: [...edges.values()].sort(byVolume),
    windowMs: input.windowMs,
    truncated: input.truncated,
  };
}
