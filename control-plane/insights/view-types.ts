// The shapes of the dashboard views the REST API answers (/v1/flows, /v1/exposure), declared once
// for the server that builds them and the dashboard that draws them. No imports, so the browser
// build can use this file as it is.

/** How the flow graph groups client addresses into nodes. */
export const CLIENT_GROUPINGS = ['network', 'organisation', 'country'] as const;
export type ClientGrouping = (typeof CLIENT_GROUPINGS)[number];

export interface FlowNode {
  id: string;
  kind: 'client' | 'gateway' | 'api' | 'endpoint' | 'destination';
  label: string;
  /** Client nodes grouped by network, and destination nodes: the network CIDR. */
  detail?: string;
  /** Client nodes: every network CIDR of the group (what a mitigation matches); absent when too many. */
  networks?: string[];
  /** Client and destination nodes: ISO country code (or `internal`) of the group's first address seen. */
  country?: string;
  /** Client and destination nodes: the autonomous system announcing the addresses, and its organisation. */
  asn?: number;
  org?: string;
  endpointId?: string;
  host?: string;
  requests: number;
}

export interface FlowEdge {
  from: string;
  to: string;
  requests: number;
  blocked: number;
  rateLimited: number;
  errors: number;
  sensitive: number;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  windowMs: number;
  /** True when rows beyond the query limit were not seen. */
  truncated: boolean;
}

export interface ExposureRow {
  key: string;
  label: string;
  findings: number;
}

export interface ExposureExample {
  type: string;
  masked: string;
  endpointId: string;
  endpoint: string;
  status: number;
  clientIp: string;
  atMs: number;
  direction: string;
  location: string;
}

export interface Exposure {
  byType: ExposureRow[];
  byEndpoint: ExposureRow[];
  byStatus: ExposureRow[];
  byClient: ExposureRow[];
  byCountry: ExposureRow[];
  series: { t: number; findings: number }[];
  seriesByType: { t: number; counts: Record<string, number> }[];
  examples: ExposureExample[];
  /** Events read; when it reached the query limit the older part of the window was not seen. */
  eventsRead: number;
  truncated: boolean;
}
