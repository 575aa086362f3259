// Ingest units for store tests: `n` events on one endpoint with the aggregates, field, finding and
// gateway counters that ingest would derive from them, so repositories are tested on realistic rows.
import { emptyHistogram } from './latency.ts';
import type { EventRecord, IngestUnit } from './types.ts';

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const MIN = 60_000;

export function event(endpointId: string, i: number, ts = T0): EventRecord {
  return {
    gatewayId: 'gw-a',
    eventId: String(i),
    timestampMs: ts,
    receivedMs: ts,
    host: 'api.example.com',
    method: 'GET',
    path: `/users/${i}`,
    endpointId,
    status: 200,
    latencyUs: 900,
    requestBytes: 10,
    responseBytes: 20,
    clientIp: '10.0.0.1',
    upstreamIp: '10.0.9.9',
    authScheme: 'AUTH_SCHEME_JWT',
    findingCount: 0,
    action: '',
    rulesVersion: '3',
    detail: '',
  };
}

/** A unit of `n` events on `endpointId`, with matching aggregates. */
export function unit(
  seq: number,
  endpointId: string,
  n: number,
  opts: { boot?: string; gw?: string; ts?: number; hashes?: string[] } = {},
): IngestUnit {
  const ts = opts.ts ?? T0;
  const lat = emptyHistogram();
  lat[3] = n;
  const gw = opts.gw ?? 'gw-a';
  return {
    key: { gatewayId: gw, bootId: opts.boot ?? 'boot-1', sequence: String(seq) },
    events: Array.from({ length: n }, (_, i) => ({ ...event(endpointId, seq * 1000 + i, ts), gatewayId: gw })),
    minutes: [
      {
        endpointId,
        minuteMs: Math.floor(ts / MIN) * MIN,
        requests: n,
        s0xx: 0,
        s1xx: 0,
        s2xx: n,
        s3xx: 0,
        s4xx: 0,
        s5xx: 0,
        findings: 1,
        blocked: 0,
        requestBytes: 10 * n,
        responseBytes: 20 * n,
        latencySumUs: 900 * n,
        latency: lat,
      },
    ],
    endpoints: [
      {
        endpointId,
        firstSeenMs: ts,
        lastSeenMs: ts,
        requests: n,
        s0xx: 0,
        s1xx: 0,
        s2xx: n,
        s3xx: 0,
        s4xx: 0,
        s5xx: 0,
        latency: lat,
        authMask: 1 << 4,
        internalRequests: n,
        externalRequests: 0,
      },
    ],
    fields: [
      { endpointId, location: 'query', name: 'q', typeMask: 1 << (seq % 2 ? 5 : 3), format: '', count: n, firstSeenMs: ts, lastSeenMs: ts },
    ],
    findings: [
      {
        endpointId,
        type: 'credit_card',
        direction: 'DIRECTION_RESPONSE',
        category: 'DATA_CATEGORY_PCI',
        count: 1,
        firstSeenMs: ts,
        lastSeenMs: ts,
        valueHashes: opts.hashes ?? [`h${seq}`],
      },
    ],
    gateway: {
      gatewayId: gw,
      bootId: opts.boot ?? 'boot-1',
      seenMs: ts,
      eventsReceived: n,
      eventsDroppedSinceBoot: seq,
      requestsSeenSinceBoot: seq * 10,
    },
  };
}
