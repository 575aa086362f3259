// GET /v1/flows: the flow graph of a window — clients (by network, organisation or country) →
// gateways → APIs → endpoints → destinations (upstream networks) with volumes and good/bad counts
// per edge — built from the raw events (SQLite or PostgreSQL).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { windowQuery } from '../window-query.ts';
import { endpointLabels, flowRows } from '../../insights/event-queries.ts';
import { buildFlowGraph, busiestEndpointIds, CLIENT_GROUPINGS, type ClientGrouping } from '../../insights/flow-graph.ts';
import { clientGeoLookup } from '../../insights/client-geo.ts';
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

export default function flowRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;
  app.get(
    '/v1/flows',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description:
            'Nodes (clients grouped by network, organisation or country; gateways; APIs; endpoints; destinations, the upstream networks the gateways sent the calls to) and edges with volumes and how much was bad.',
          schema: {
            type: 'object',
            properties: {
              nodes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    kind: { enum: ['client', 'gateway', 'api', 'endpoint', 'destination'] },
                    label: { type: 'string' },
                    detail: { type: 'string', description: 'Clients grouped by network, and destinations: the CIDR.' },
                    networks: {
                      type: 'array',
                      items: { type: 'string' },
                      description: 'Clients: every network CIDR of the group (what a mitigation matches); absent when more than 64.',
                    },
                    country: { type: 'string', description: 'Clients and destinations: ISO country code, or internal.' },
                    asn: { type: 'integer', description: 'Clients and destinations: autonomous system number announcing the addresses.' },
                    org: { type: 'string', description: 'Clients and destinations: organisation of that autonomous system.' },
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
      schema: {
        summary: 'Traffic flows',
        tags: ['dashboard'],
        querystring: windowQuery(60, {
          clients: {
            enum: [...CLIENT_GROUPINGS],
            default: 'network',
            description: 'Group client addresses by network (/24, /48), organisation (ASN) or country.',
          },
        }),
      },
    },
    async (request) => {
      const { windowMinutes, clients } = request.query as { windowMinutes: number; clients: ClientGrouping };
      const w = timeWindow(windowMinutes, Date.now());
      const rows = await flowRows(store.sql, w, MAX_ROWS);
      const labels = await endpointLabels(store.sql, busiestEndpointIds(rows));
      return buildFlowGraph({
        rows,
        labels,
        geoOf: await clientGeoLookup(deps),
        clients,
        windowMs: w.untilMs - w.sinceMs,
        truncated: rows.length >= MAX_ROWS,
      });
    },
  );
}
