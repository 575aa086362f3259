// GET /v1/endpoints/:id/traffic: one endpoint's per-minute aggregates (requests, errors, blocked,
// findings, latency) over a window, for the endpoint page's charts.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { idParams } from '../api-schemas.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import { bucketOf, bucketStarts, timeWindow } from '../../insights/time-window.ts';
import { windowQuery } from '../window-query.ts';

const POINT = {
  type: 'object',
  properties: {
    t: { type: 'integer', description: 'Bucket start, Unix ms.' },
    requests: { type: 'integer' },
    errors: { type: 'integer', description: '5xx and exchanges without a response.' },
    blocked: { type: 'integer' },
    findings: { type: 'integer' },
    latencyAvgUs: { type: 'integer' },
  },
};

export default function endpointTrafficRoutes(app: FastifyInstance, { store }: HttpDeps): void {
  app.get(
    '/v1/endpoints/:id/traffic',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Per-bucket traffic of one endpoint; buckets are whole minutes, at most 120 per window, empty ones included.',
          schema: { type: 'object', properties: { bucketMs: { type: 'integer' }, series: { type: 'array', items: POINT } } },
        },
      },
      schema: {
        summary: 'Traffic of an endpoint over time',
        tags: ['inventory'],
        params: idParams('id'),
        querystring: windowQuery(60),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { windowMinutes } = request.query as { windowMinutes: number };
      const endpoint = await store.endpoints.get(id);
      if (!endpoint) throw new PalisadeError(Errors.EndpointNotFound, `no endpoint has id '${id}'`);
      const w = timeWindow(windowMinutes, Date.now());
      const minutes = await store.aggregates.series(endpoint.id, w.sinceMs, w.untilMs);
      const buckets = new Map(bucketStarts(w).map((t) => [t, { t, requests: 0, errors: 0, blocked: 0, findings: 0, latencySumUs: 0 }]));
      for (const m of minutes) {
        const b = buckets.get(bucketOf(w, m.minuteMs));
        if (!b) continue;
        b.requests += m.requests;
        b.errors += m.s5xx + m.s0xx;
        b.blocked += m.blocked;
        b.findings += m.findings;
        b.latencySumUs += m.latencySumUs;
      }
      return {
        bucketMs: w.bucketMs,
        series: [...buckets.values()].map(({ latencySumUs, ...b }) => ({
          ...b,
          latencyAvgUs: b.requests ? Math.round(latencySumUs / b.requests) : 0,
        })),
      };
    },
  );
}
