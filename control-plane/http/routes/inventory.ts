// /v1/endpoints and /v1/findings: the inventory discovered from traffic and the sensitive data
// seen on it (summaries only; values never reach the control plane).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import type { EndpointFindingSummary, EndpointRecord, EndpointField } from '../../store/types.ts';
import { ref } from '../route-config.ts';
import { idParams, pageOf, pageQuery } from '../api-schemas.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';

export function findingJson(f: EndpointFindingSummary): Record<string, unknown> {
  return {
    type: f.type,
    category: f.category,
    direction: f.direction,
    count: String(f.count),
    distinctValues: String(f.distinctValues),
    firstSeenMs: String(f.firstSeenMs),
    lastSeenMs: String(f.lastSeenMs),
  };
}

/** admin.proto Endpoint in canonical JSON. Posture fields are filled by the posture part. */
export function endpointJson(e: EndpointRecord, findings: EndpointFindingSummary[] = []): Record<string, unknown> {
  return {
    id: e.id,
    key: { host: e.host, method: e.method, pathTemplate: e.pathTemplate },
    firstSeenMs: String(e.firstSeenMs),
    lastSeenMs: String(e.lastSeenMs),
    requests: String(e.requests),
    status: { s1xx: String(e.s1xx), s2xx: String(e.s2xx), s3xx: String(e.s3xx), s4xx: String(e.s4xx), s5xx: String(e.s5xx) },
    latencyP50Us: e.latencyP50Us,
    latencyP95Us: e.latencyP95Us,
    latencyP99Us: e.latencyP99Us,
    authSchemes: e.authSchemes,
    findings: findings.map(findingJson),
    internal: e.internal,
  };
}

function fieldJson(f: EndpointField): Record<string, unknown> {
  return {
    location: f.location,
    name: f.name,
    typeMask: f.typeMask,
    format: f.format,
    count: String(f.count),
    firstSeenMs: String(f.firstSeenMs),
    lastSeenMs: String(f.lastSeenMs),
  };
}

const FINDING_ROW = {
  allOf: [ref('EndpointFinding'), { type: 'object', properties: { endpointId: { type: 'string' } } }],
};

export default function inventoryRoutes(app: FastifyInstance, { store }: HttpDeps): void {
  app.get(
    '/v1/endpoints',
    {
      config: { auth: ['viewer'], docs: { description: 'Endpoints, with the total matching the filters.', schema: ref('EndpointList') } },
      schema: {
        summary: 'List endpoints',
        tags: ['inventory'],
        querystring: pageQuery({
          host: { type: 'string', maxLength: 253 },
          method: { type: 'string', maxLength: 16 },
          search: { type: 'string', maxLength: 256, description: 'Substring of the path template.' },
        }),
      },
    },
    async (request) => {
      const page = await store.endpoints.list(
        request.query as { limit?: number; cursor?: string; host?: string; method?: string; search?: string },
      );
      return { items: page.items.map((e) => endpointJson(e)), nextCursor: page.nextCursor, total: String(page.total) };
    },
  );

  app.get(
    '/v1/endpoints/:id',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'One endpoint with its findings and the parameters and body fields seen.',
          schema: { allOf: [ref('Endpoint'), { type: 'object', properties: { fields: { type: 'array', items: { type: 'object' } } } }] },
        },
      },
      schema: { summary: 'Get an endpoint', tags: ['inventory'], params: idParams('id') },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const e = await store.endpoints.get(id);
      if (!e) throw new PalisadeError(Errors.EndpointNotFound, `no endpoint has id '${id}'`);
      const [findings, fields] = await Promise.all([store.findings.list({ endpointId: e.id, limit: 1000 }), store.endpoints.fields(e.id)]);
      return { ...endpointJson(e, findings.items), fields: fields.map(fieldJson) };
    },
  );

  app.get(
    '/v1/findings',
    {
      config: {
        auth: ['viewer'],
        docs: { description: 'Sensitive-data types seen, per endpoint and direction.', schema: pageOf(FINDING_ROW) },
      },
      schema: {
        summary: 'List findings',
        tags: ['inventory'],
        querystring: pageQuery({
          endpointId: { type: 'string', maxLength: 256 },
          type: { type: 'string', maxLength: 64 },
          category: { type: 'string', maxLength: 64 },
        }),
      },
    },
    async (request) => {
      const page = await store.findings.list(
        request.query as { limit?: number; cursor?: string; endpointId?: string; type?: string; category?: string },
      );
      return { items: page.items.map((f) => ({ endpointId: f.endpointId, ...findingJson(f) })), nextCursor: page.nextCursor };
    },
  );
}
