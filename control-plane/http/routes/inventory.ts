// /v1/endpoints and /v1/findings: the inventory discovered from traffic and the sensitive data
// seen on it (summaries only; values never reach the control plane).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import {
  ENDPOINT_SORTS,
  POSTURE_CLASSES,
  type EndpointField,
  type EndpointFindingSummary,
  type EndpointQuery,
  type EndpointRecord,
  type EndpointSort,
  type PostureClass,
} from '../../store/types.ts';
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
    postureClass: postureClassOf(e.postureClasses),
    riskScore: e.riskScore,
  };
}

/** The one class the list shows when an endpoint is in several: the most urgent to act on. */
const CLASS_PRIORITY: readonly PostureClass[] = ['zombie', 'shadow', 'orphaned'];

export function postureClassOf(classes: readonly PostureClass[]): string {
  return CLASS_PRIORITY.find((c) => classes.includes(c)) ?? 'known';
}

/** camelCase spellings the dashboard uses, accepted next to the snake_case ones. */
const SORT_ALIASES: Record<string, EndpointSort> = { lastSeen: 'last_seen', firstSeen: 'first_seen' };

interface EndpointListQuery {
  limit?: number;
  cursor?: string;
  host?: string;
  method?: string;
  search?: string;
  q?: string;
  class?: PostureClass | 'known';
  sensitive?: boolean;
  sort?: string;
  order?: 'asc' | 'desc';
}

function endpointQueryOf(q: EndpointListQuery): EndpointQuery {
  if (q.q !== undefined && q.search !== undefined && q.q !== q.search) {
    throw new PalisadeError(Errors.BadRequest, 'q and search are the same filter; give one of them', [
      { path: '$query.q', message: 'conflicts with search' },
    ]);
  }
  const search = q.q ?? q.search;
  return {
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    ...(q.host ? { host: q.host } : {}),
    ...(q.method ? { method: q.method } : {}),
    ...(search ? { search } : {}),
    ...(q.class ? { postureClass: q.class } : {}),
    ...(q.sensitive !== undefined ? { sensitive: q.sensitive } : {}),
    ...(q.sort ? { sort: SORT_ALIASES[q.sort] ?? (q.sort as EndpointSort) } : {}),
    ...(q.order ? { order: q.order } : {}),
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
        description:
          'Sorted server-side; pages follow the sort (a cursor is only valid with the sort and order it came from). ' +
          'Filters combine with AND; `total` counts every endpoint matching them.',
        querystring: pageQuery({
          host: { type: 'string', maxLength: 253 },
          method: { type: 'string', maxLength: 16 },
          search: { type: 'string', maxLength: 256, description: 'Case-insensitive substring of the path template or host.' },
          q: { type: 'string', maxLength: 256, description: 'Same as search.' },
          class: {
            type: 'string',
            enum: ['known', ...POSTURE_CLASSES],
            description: 'Posture class: shadow, zombie or orphaned (an endpoint may be in several), or known (in none).',
          },
          sensitive: { type: 'boolean', description: 'true: endpoints with sensitive-data findings; false: without.' },
          sort: {
            type: 'string',
            enum: [...ENDPOINT_SORTS, ...Object.keys(SORT_ALIASES)],
            description: 'Sort key (default id); ties are broken by id. lastSeen / firstSeen are accepted for last_seen / first_seen.',
          },
          order: {
            type: 'string',
            enum: ['asc', 'desc'],
            description: 'Default desc for requests, last_seen, first_seen and risk; asc otherwise.',
          },
        }),
      },
    },
    async (request) => {
      const page = await store.endpoints.list(endpointQueryOf(request.query as EndpointListQuery));
      const findings = await store.findings.ofEndpoints(page.items.map((e) => e.id));
      const byEndpoint = new Map<string, EndpointFindingSummary[]>();
      for (const f of findings) byEndpoint.set(f.endpointId, [...(byEndpoint.get(f.endpointId) ?? []), f]);
      return {
        items: page.items.map((e) => endpointJson(e, byEndpoint.get(e.id) ?? [])),
        nextCursor: page.nextCursor,
        total: String(page.total),
      };
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
