// Fixed benchmark input: the same events on every run (seeded generator, no clock), shaped like
// real gateway traffic — a few hosts, templated paths with ids, query parameters, JSON response
// shapes, a finding on one event in ten, a block verdict now and then.
import type { ApiEvent } from '../../../proto/gen/palisade/v1/ApiEvent.ts';
import type { ReportBatch } from '../../../proto/gen/palisade/v1/ReportBatch.ts';

/** Mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ['api.shop.example', 'payments.example', 'accounts.example'];
const SHAPES = [
  '/v1/users/{n}',
  '/v1/users/{n}/orders',
  '/v1/users/{n}/orders/{u}',
  '/v1/products/{n}/reviews',
  '/v1/carts/{u}/items',
  '/v2/payments/{n}',
  '/v2/payments/{n}/refunds',
  '/health',
  '/v1/search',
  '/v1/sessions/{u}',
];

export function benchEvent(r: () => number, id: number, baseMs: number): ApiEvent {
  const shape = SHAPES[Math.floor(r() * SHAPES.length)]!;
  const path = shape
    .replace(/\{n\}/g, () => String(1 + Math.floor(r() * 1e6)))
    .replace(
      /\{u\}/g,
      () =>
        Math.floor(r() * 2 ** 52)
          .toString(16)
          .padStart(13, '0') + 'abc',
    );
  const status = r() < 0.9 ? 200 : r() < 0.7 ? 404 : 500;
  const finding = r() < 0.1;
  return {
    id,
    timestampMs: baseMs + Math.floor(id / 50),
    requestId: `req-${id}`,
    host: HOSTS[id % HOSTS.length]!,
    method: r() < 0.8 ? 'GET' : 'POST',
    path,
    status,
    requestBytes: Math.floor(r() * 2000),
    responseBytes: Math.floor(r() * 20000),
    latencyUs: Math.floor(200 + r() * r() * 200_000),
    clientIp: `203.0.113.${id % 250}`,
    auth: { scheme: 'AUTH_SCHEME_JWT', jwtAlg: 'RS256' },
    params: [{ name: 'page', in: 'FIELD_KIND_QUERY', type: 'JSON_TYPE_INTEGER' }],
    responseShape: {
      contentType: 'application/json',
      fields: [
        { path: '$.id', type: 'JSON_TYPE_INTEGER' },
        { path: '$.email', type: 'JSON_TYPE_STRING', format: 'email' },
        { path: '$.items[].sku', type: 'JSON_TYPE_STRING' },
      ],
    },
    findings: finding
      ? [
          {
            type: 'email',
            category: 'DATA_CATEGORY_PII',
            severity: 'SEVERITY_LOW',
            confidence: 90,
            masked: 'a***@example.com',
            valueHash: Buffer.from([id & 255, (id >> 8) & 255, 7, 7, 7, 7, 7, 7]),
            location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.email' },
          },
        ]
      : [],
    verdict:
      r() < 0.01 ? { action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', enforced: true, status: 403, reason: 'finding:email' } : undefined,
    rulesVersion: 3,
    scheme: 'https',
    userAgent: 'bench/1.0',
  };
}

/** `count` batches of `size` events from gateway `gatewayId`, the same on every run. */
export function benchBatches(gatewayId: string, count: number, size: number, baseMs: number, seed = 42): ReportBatch[] {
  const r = prng(seed);
  const out: ReportBatch[] = [];
  let id = 0;
  for (let b = 0; b < count; b++) {
    const events: ApiEvent[] = [];
    for (let i = 0; i < size; i++) events.push(benchEvent(r, id++, baseMs));
    out.push({
      gatewayId,
      bootId: `bench-${seed}`,
      sequence: b + 1,
      sentAtMs: baseMs,
      events,
      counters: { requestsSeen: id, eventsQueued: id },
    });
  }
  return out;
}
