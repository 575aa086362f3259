// GET /metrics: the control plane's counters (gRPC, ingest, HTTP problems by code, inventory
// bounds, rules watchers) for Prometheus. Behind a viewer token like the rest of the API
// (Prometheus sends one with `authorization: { credentials_file: … }`).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from '../prometheus-text.ts';

export default function metricsRoutes(app: FastifyInstance, { metrics }: HttpDeps): void {
  app.get(
    '/metrics',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Counters and gauges in the Prometheus text format (names in docs/operations.md).',
          schema: { type: 'string' },
          mediaType: PROMETHEUS_CONTENT_TYPE,
        },
      },
      schema: { summary: 'Metrics (Prometheus)', tags: ['meta'] },
    },
    async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(prometheusText(metrics?.() ?? {})),
  );
}
