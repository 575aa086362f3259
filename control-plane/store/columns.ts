// Column lists shared by both dialects' statements, generated once from the histogram size.
import { LATENCY_BUCKETS } from './types.ts';

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

/** Columns of `endpoints` that ingest adds to. */
export const ENDPOINT_ADD_COLS = ['requests', ...STATUS_COLS, ...LAT_COLS, 'internal_requests', 'external_requests'] as const;
