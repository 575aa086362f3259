// The OpenAPI 3.1 document of the API (GET /v1/openapi.json), generated from the routes as they
// are registered: their JSON Schemas for params, query and body, their `config.docs` for the
// success response and `config.auth` for security. Proto-derived schemas become
// `components.schemas` under their proto message names.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ALL_ERRORS } from '../errors/catalogue.ts';
import { protoJsonSchemas, type JsonSchema } from '../rules/proto-json-schema.ts';
import type { RouteDocs } from './route-config.ts';

export interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  auth: readonly string[] | 'public' | undefined;
  docs: RouteDocs | undefined;
}

/** Records every route with a declared `config.auth` as it is registered. */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const out: CollectedRoute[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const config = (r.config ?? {}) as { auth?: readonly string[] | 'public'; docs?: RouteDocs };
    if (config.auth === undefined) return;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      out.push({ method, url: r.url, schema: (r.schema ?? {}) as Record<string, unknown>, auth: config.auth, docs: config.docs });
    }
  });
  return out;
}

/** Message types always present in components (responses reference them). */
export const API_MESSAGE_TYPES = [
  'Problem',
  'Endpoint',
  'EndpointList',
  'Gateway',
  'GatewayList',
  'RuleSet',
  'RuleSource',
  'RuleVersion',
  'PublishRequest',
  'RollbackRequest',
  'AuditEntry',
  'ReportBatch',
  'ReportAck',
  'EndpointFinding',
];

/** Moves `$defs` of a route schema into `components` and points references there. */
function hoist(schema: unknown, components: Record<string, JsonSchema>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => hoist(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === '$defs') {
      for (const [name, def] of Object.entries(v as Record<string, unknown>)) components[name] ??= hoist(def, components) as JsonSchema;
      continue;
    }
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out[k] = '#/components/schemas/' + v.slice('#/$defs/'.length);
    else if (k === '$id') continue;
    else out[k] = hoist(v, components);
  }
  return out;
}

function parametersOf(schema: unknown, where: 'path' | 'query', components: Record<string, JsonSchema>): unknown[] {
  const s = hoist(schema, components) as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, prop]) => {
    const { description, ...rest } = prop as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      schema: rest,
      ...(description ? { description } : {}),
    };
  });
}

const ROLE_NOTE = (auth: readonly string[] | 'public') =>
  auth === 'public' ? 'No token needed.' : `Bearer token with role ${auth.join(' or ')}.`;

export function buildOpenApiDocument(routes: CollectedRoute[], info: { version: string }): Record<string, unknown> {
  const components: Record<string, JsonSchema> = { ...protoJsonSchemas(API_MESSAGE_TYPES, '#/components/schemas/') };
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const docs = r.docs ?? { description: 'OK' };
    const status = String(docs.status ?? 200);
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/(^|[/_.-])([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase())}`,
      summary: (r.schema.summary as string) ?? docs.description,
      description: `${(r.schema.description as string) ?? ''} ${ROLE_NOTE(r.auth!)}`.trim(),
      tags: (r.schema.tags as string[]) ?? [r.url.split('/')[2] ?? 'api'],
      parameters: [...parametersOf(r.schema.params, 'path', components), ...parametersOf(r.schema.querystring, 'query', components)],
      responses: {
        [status]: {
          description: docs.description,
          ...(docs.schema ? { content: { [docs.mediaType ?? 'application/json']: { schema: hoist(docs.schema, components) } } } : {}),
        },
        '4XX': { description: 'Client error (RFC 9457 problem details).', content: problem },
        '5XX': { description: 'Server error (RFC 9457 problem details).', content: problem },
      },
    };
    if (r.auth !== 'public') op.security = [{ bearer: [] }];
    if (r.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: hoist(r.schema.body, components) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palisade control plane API',
      version: info.version,
      description: `Error codes: ${ALL_ERRORS.map((e) => e.code).join(', ')}. See docs/api.md.`,
    },
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
