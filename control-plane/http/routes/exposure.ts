// GET /v1/exposure: sensitive data seen in a window — by type, endpoint, response code, client IP
// and country, over time — with masked examples to drill into. Built from the stored events
// (which only ever hold masked previews) on SQLite or PostgreSQL.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { windowQuery } from '../window-query.ts';
import { endpointLabels, findingEvents } from '../../insights/event-queries.ts';
import { buildExposure, exposureEndpointIds, withEndpointLabels } from '../../insights/exposure-report.ts';
import { clientGeoLookup } from '../../insights/client-geo.ts';
import { timeWindow } from '../../insights/time-window.ts';

/** Newest events with findings read per request; older ones in the window are reported as `truncated`. */
const MAX_EVENTS = 10_000;

const ROWS = {
  type: 'array',
  items: { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' }, findings: { type: 'integer' } } },
};

export default function exposureRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;
  app.get(
    '/v1/exposure',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Findings by type, endpoint, status, client and country, a series (total and per type) and masked examples.',
          schema: {
            type: 'object',
            properties: {
              byType: ROWS,
              byEndpoint: ROWS,
              byStatus: ROWS,
              byClient: ROWS,
              byCountry: ROWS,
              series: { type: 'array', items: { type: 'object', properties: { t: { type: 'integer' }, findings: { type: 'integer' } } } },
              seriesByType: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { t: { type: 'integer' }, counts: { type: 'object', additionalProperties: { type: 'integer' } } },
                },
              },
              examples: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string' },
                    masked: { type: 'string', description: 'As the gateway masked it; values never reach the control plane.' },
                    endpointId: { type: 'string' },
                    endpoint: { type: 'string' },
                    status: { type: 'integer' },
                    clientIp: { type: 'string' },
                    atMs: { type: 'integer' },
                    direction: { type: 'string' },
                    location: { type: 'string' },
                  },
                },
              },
              eventsRead: { type: 'integer' },
              truncated: { type: 'boolean' },
            },
          },
        },
      },
      schema: {
        summary: 'Sensitive data exposure',
        tags: ['dashboard'],
        querystring: windowQuery(1440, {
          type: { type: 'string', maxLength: 64, description: 'Only this finding type.' },
          endpointId: { type: 'string', maxLength: 256, description: 'Only this endpoint.' },
        }),
      },
    },
    async (request) => {
      const q = request.query as { windowMinutes: number; type?: string; endpointId?: string };
      const w = timeWindow(q.windowMinutes, Date.now());
      const rows = await findingEvents(store.sql, w, MAX_EVENTS, q.endpointId);
      const geoOf = await clientGeoLookup(deps);
      const report = buildExposure({
        rows,
        window: w,
        countryOf: (ip) => geoOf(ip)?.country,
        truncated: rows.length >= MAX_EVENTS,
        ...(q.type ? { type: q.type } : {}),
      });
      return withEndpointLabels(report, await endpointLabels(store.sql, exposureEndpointIds(report)));
    },
  );
}
