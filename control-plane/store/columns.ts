// Column lists shared by both dialects' statements, generated once from the histogram size.
import { LATENCY_BUCKETS, type EndpointDelta, type MinuteAggregate } from './types.ts';

export const LAT_COLS: readonly string[] = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat_${String(i).padStart(2, '0')}`);
export const STATUS_COLS = ['s0xx', 's1xx', 's2xx', 's3xx', 's4xx', 's5xx'] as const;

export const EVENT_COLS = [
  'gateway_id',
  'event_id',
  'ts_ms',
  'received_ms',
  'host',
  'method',
  'path',
  'endpoint_id',
  'status',
  'latency_us',
  'request_bytes',
  'response_bytes',
  'client_ip',
  'auth_scheme',
  'finding_count',
  'action',
  'rules_version',
  'detail',
  'upstream_ip',
] as const;

export const MINUTE_COLS = [
  'endpoint_id',
  'minute_ms',
  'requests',
  ...STATUS_COLS,
  'findings',
  'blocked',
  'request_bytes',
  'response_bytes',
  'latency_sum_us',
  ...LAT_COLS,
] as const;

/** A minute row's values in MINUTE_COLS order. */
export const minuteValues = (m: MinuteAggregate): (string | number)[] => [
  m.endpointId,
  m.minuteMs,
  m.requests,
  m.s0xx,
  m.s1xx,
  m.s2xx,
  m.s3xx,
  m.s4xx,
  m.s5xx,
  m.findings,
  m.blocked,
  m.requestBytes,
  m.responseBytes,
  m.latencySumUs,
  ...m.latency,
];

/** Columns of `endpoints` that ingest adds to. */
export const ENDPOINT_ADD_COLS = ['requests', ...STATUS_COLS, ...LAT_COLS, 'internal_requests', 'external_requests'] as const;

/** An endpoint delta's values in ENDPOINT_ADD_COLS order, then first seen, last seen and auth mask. */
export const endpointDeltaValues = (e: EndpointDelta): number[] => [
  e.requests,
  e.s0xx,
  e.s1xx,
  e.s2xx,
  e.s3xx,
  e.s4xx,
  e.s5xx,
  ...e.latency,
  e.internalRequests,
  e.externalRequests,
  e.firstSeenMs,
  e.lastSeenMs,
  e.authMask,
];
