// Realistic report batches (canonical proto JSON, as gateways send them) for tests and
// screenshots of the dashboard's views: several client networks (external and internal), a few
// APIs, blocked and rate-limited verdicts, server errors and masked sensitive-data findings.
// Deterministic: the same arguments give the same batch.

export interface SampleTrafficOptions {
  gatewayId: string;
  bootId?: string;
  sequence: number;
  /** Events in the batch. */
  events: number;
  /** Distinct endpoints the events spread over (path templates /items{n}/{id}). */
  endpoints?: number;
  /** Timestamp of the events (default now). */
  nowMs?: number;
  /** First event id (ids must be unique per gateway boot). */
  firstEventId?: number;
  /**
   * `wide`: event k of the run (firstEventId + i) hits endpoint k of a large estate — 25 hosts ×
   * 20 × 20 static paths, so up to 10,000 endpoints stay distinct under the path templater (it
   * turns a position with more than 24 values into a parameter).
   */
  layout?: 'demo' | 'wide';
}

/** Host and path of endpoint `k` (0 ≤ k < 10,000) of the wide layout. */
export function wideEndpoint(k: number): { host: string; path: string } {
  return { host: `svc${k % 25}.example.com`, path: `/v1/res${Math.floor(k / 25) % 20}/op${Math.floor(k / 500) % 20}` };
}

export const SAMPLE_CLIENTS = ['198.51.100.7', '198.51.100.23', '203.0.113.9', '8.8.8.8', '10.1.2.3', '2001:db8:1::5'];
export const SAMPLE_HOSTS = ['shop.example.com', 'api.example.com', 'internal.example.net'];

const CARD = {
  type: 'credit_card',
  category: 'DATA_CATEGORY_PCI',
  severity: 'SEVERITY_HIGH',
  confidence: 95,
  masked: '4111********1111',
  location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.card.number' },
};
const EMAIL = {
  type: 'email',
  category: 'DATA_CATEGORY_PII',
  severity: 'SEVERITY_LOW',
  confidence: 90,
  masked: 'j***@example.com',
  location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.customer.email' },
};
const SSN = {
  type: 'us_ssn',
  category: 'DATA_CATEGORY_PII',
  severity: 'SEVERITY_HIGH',
  confidence: 85,
  masked: '***-**-6789',
  location: { direction: 'DIRECTION_REQUEST', field: 'FIELD_KIND_QUERY', name: 'ssn' },
};

function hash8(i: number): string {
  return Buffer.from(Uint32Array.of(i * 2654435761, i).buffer).toString('base64');
}

/** One ReportBatch in canonical JSON (uint64 as strings, enums by name, bytes base64). */
export function sampleBatch(o: SampleTrafficOptions): Record<string, unknown> {
  const now = o.nowMs ?? Date.now();
  const endpoints = o.endpoints ?? 12;
  const first = o.firstEventId ?? o.sequence * 100_000;
  const events = [];
  for (let i = 0; i < o.events; i++) {
    const id = first + i;
    const e = (i * 7 + o.sequence) % endpoints;
    const wide = o.layout === 'wide' ? wideEndpoint(id % 10_000) : undefined;
    const host = wide?.host ?? SAMPLE_HOSTS[e % SAMPLE_HOSTS.length]!;
    const client = host.startsWith('internal') ? '10.1.2.3' : SAMPLE_CLIENTS[Math.floor(i / 2) % SAMPLE_CLIENTS.length]!;
    const blocked = client === '8.8.8.8' && i % 3 === 0;
    const limited = !blocked && client === '203.0.113.9' && i % 5 === 0;
    const status = blocked ? 403 : limited ? 429 : i % 23 === 0 ? 503 : i % 9 === 0 ? 404 : 200;
    const findings = status !== 200 ? [] : e % 4 === 0 ? [CARD] : e % 4 === 1 ? [EMAIL] : e % 11 === 2 ? [SSN] : [];
    events.push({
      id: String(id),
      timestampMs: String(now - (i % 50) * 1000),
      host,
      method: !wide && e % 5 === 4 ? 'POST' : 'GET',
      path: wide?.path ?? `/v1/items${e}/${1000 + (i % 97)}`,
      status,
      latencyUs: 800 + ((i * 37) % 4000),
      requestBytes: 120,
      responseBytes: 900,
      clientIp: client,
      auth: { scheme: e % 3 === 0 ? 'AUTH_SCHEME_NONE' : 'AUTH_SCHEME_BEARER' },
      findings: findings.map((f, k) => ({ ...f, valueHash: hash8(id * 4 + k) })),
      ...(blocked || limited
        ? {
            verdict: {
              action: blocked ? 'ACTION_BLOCK' : 'ACTION_RATE_LIMIT',
              mode: 'MODE_ENFORCE',
              policyId: blocked ? 'block-bad-network' : 'limit-noisy-client',
              enforced: true,
              status,
            },
          }
        : {}),
    });
  }
  return {
    gatewayId: o.gatewayId,
    bootId: o.bootId ?? 'boot-1',
    sequence: String(o.sequence),
    sentAtMs: String(now),
    counters: { requestsSeen: String(o.events), eventsQueued: String(o.events), eventsDropped: '0' },
    events,
  };
}
