// The last column of the flow graph: where gateways sent the calls of each endpoint — the upstream
// address each event reports (ApiEvent.upstream_ip), shown by network (/24, /48) with the country
// and organisation geography gives, like client networks. Events that reported no upstream (a
// block or a local reply before routing, or a gateway too old to report one) get their own node so
// the column's totals still add up.
import { clientNetwork } from './client-network.ts';
import type { ClientGeoOf } from './client-geo.ts';
import type { FlowNode } from './view-types.ts';

export const NO_UPSTREAM = 'destination:none';
export const OTHER_DESTINATIONS = 'destination:other';

/** The group a destination address falls in (its network), or null when it names no network. */
export function destinationKey(upstreamIp: string): string | null {
  return upstreamIp ? clientNetwork(upstreamIp) : null;
}

export function destinationNode(network: string, sampleIp: string, geoOf: ClientGeoOf | undefined): Omit<FlowNode, 'id' | 'requests'> {
  const geo = geoOf?.(sampleIp);
  const node: Omit<FlowNode, 'id' | 'requests'> = { kind: 'destination', label: network, detail: network };
  if (geo?.country) {
    node.country = geo.country;
    node.label = `${network} · ${geo.country}`;
  }
  if (geo?.asn !== undefined) node.asn = geo.asn;
  if (geo?.org) node.org = geo.org;
  return node;
}

export const noUpstreamNode = (): Omit<FlowNode, 'id' | 'requests'> => ({ kind: 'destination', label: 'no upstream reported' });
export const otherDestinationsNode = (): Omit<FlowNode, 'id' | 'requests'> => ({ kind: 'destination', label: 'other destinations' });
