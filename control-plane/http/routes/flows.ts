// GET /v1/flows: the flow graph of a window — client networks → gateways → APIs → endpoints with
// volumes and good/bad counts per edge — built from the raw events (SQLite or PostgreSQL).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { windowQuery } from '../window-query.ts';
import { endpointLabels, flowRows } from '../../insights/event-queries.ts';
import { buildFlowGraph, busiestEndpointIds } from '../../insights/flow-graph.ts';
import { countryLookup } from '../../insights/client-country.ts';
import { timeWindow } from '../../insights/time-window.ts';

/** Grouped rows read per request: bounds the work of a busy window (the graph says `truncated`). */
const MAX_ROWS = 20_000;

const COUNTS = {
  requests: { type: 'integer' },
  blocked: { type: 'integer' },
  rateLimited: { type: 'integer' },
  errors: { type: 'integer' },
  sensitive: { type: 'integer', description: 'Requests that carried sensitive data.' },
};

export default function flowRoutes(app: FastifyInstance, { store, extra }: HttpDeps): void {
  app.get(
    '/v1/flows',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Nodes (client networks, gateways, APIs, endpoints) and edges with volumes and how much was bad.',
          schema: {
            type: 'object',
            properties: {
              nodes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    kind: { enum: ['client', 'gateway', 'api', 'endpoint'] },
                    label: { type: 'string' },
                    detail: { type: 'string', description: 'Client networks: the CIDR.' },
                    endpointId: { type: 'string' },
                    host: { type: 'string' },
                    requests: { type: 'integer' },
                  },
                },
              },
              edges: {
                type: 'array',
                items: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, ...COUNTS } },
              },
              windowMs: { type: 'integer' },
              truncated: { type: 'boolean' },
            },
          },
        },
      },
      schema: { summary: 'Traffic flows', tags: ['dashboard'], querystring: windowQuery(60) },
    },
    async (request) => {
      const { windowMinutes } = request.query as { windowMinutes: number };
      const w = timeWindow(windowMinutes, Date.now());
      const rows = await flowRows(store.sql, w, MAX_ROWS);
      const labels = await endpointLabels(store.sql, busiestEndpointIds(rows));
      return buildFlowGraph({
        rows,
        labels,
        countryOf: countryLookup(extra),
        windowMs: w.untilMs - w.sinceMs,
        truncated: rows.length >= MAX_ROWS,
      });
    },
  );
}
