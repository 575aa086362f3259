// Posture of one endpoint: its generated OpenAPI operation, conformance violations, risk breakdown,
// classes, client geography, and the owner and tags users set (PATCH /v1/endpoints/:id).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { idParams } from '../api-schemas.ts';
import { PalisadeError } from '../../errors/catalogue.ts';
import { PostureErrors } from '../../posture/posture-errors.ts';
import { generateOpenApi } from '../../posture/openapi-generate.ts';
import { summarizeGeo, type GeoLookup } from '../../geo/geo-lookup.ts';
import {
  auditEntry,
  endpointOrThrow,
  endpointPostureJson,
  postureKeyOf,
  geoOf,
  postureOf,
  RISK_FACTOR_PROPERTIES,
  riskJson,
  sendDocument,
  violationJson,
} from '../../posture/posture-api.ts';
import type { EndpointPosture } from '../../posture/posture-evaluate.ts';
import type { PostureService } from '../../posture/posture-service.ts';
import type { EndpointRecord } from '../../store/types.ts';

const PARAMS = idParams('id');
const OBJ = { type: 'object' };
const RISK = {
  type: 'object',
  properties: {
    score: { type: 'integer', minimum: 0, maximum: 100 },
    modelVersion: { type: 'integer' },
    factors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...RISK_FACTOR_PROPERTIES,
          value: { type: 'number' },
          points: { type: 'number' },
          evidence: { type: 'string' },
          custom: { type: 'boolean' },
        },
      },
    },
  },
};
const MAX_GEO_CLIENTS = 1000;

async function postureOfEndpoint(posture: PostureService, e: EndpointRecord): Promise<EndpointPosture> {
  const p = (await posture.snapshot()).endpoints.get(postureKeyOf(e));
  if (!p) throw new PalisadeError(PostureErrors.PostureNotFound, `endpoint '${e.id}' has not been evaluated yet`);
  return p;
}

export default function postureEndpointRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;

  app.get(
    '/v1/endpoints/:id/openapi',
    {
      config: { auth: ['viewer'], docs: { description: 'An OpenAPI 3.1 document holding this one operation.', schema: OBJ } },
      schema: {
        summary: 'Generated OpenAPI of an endpoint',
        tags: ['posture'],
        params: PARAMS,
        querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: ['json', 'yaml'] } } },
      },
    },
    async (request, reply) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      const posture = await postureOf(deps);
      const inv = (await posture.inventory()).filter((x) => x.host === e.host && x.method === e.method && x.path === e.pathTemplate);
      return sendDocument(reply, generateOpenApi(inv), (request.query as { format?: string }).format, `openapi-${e.id}`);
    },
  );

  app.get(
    '/v1/endpoints/:id/violations',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Conformance violations of this endpoint against the uploaded specs, with evidence.',
          schema: { type: 'object', properties: { items: { type: 'array', items: OBJ }, nextCursor: { type: 'string' } } },
        },
      },
      schema: { summary: 'Violations of an endpoint', tags: ['posture'], params: PARAMS },
    },
    async (request) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      const p = await postureOfEndpoint(await postureOf(deps), e);
      return { items: p.violations.map(violationJson), nextCursor: '' };
    },
  );

  app.get(
    '/v1/endpoints/:id/risk',
    {
      config: { auth: ['viewer'], docs: { description: 'Risk score 0-100 with every contributing factor.', schema: RISK } },
      schema: { summary: 'Risk of an endpoint', tags: ['posture'], params: PARAMS },
    },
    async (request) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      return riskJson((await postureOfEndpoint(await postureOf(deps), e)).risk);
    },
  );

  app.get(
    '/v1/endpoints/:id/posture',
    {
      config: { auth: ['viewer'], docs: { description: 'Classes (with evidence), violations, risk, owner and tags.', schema: OBJ } },
      schema: { summary: 'Posture of an endpoint', tags: ['posture'], params: PARAMS },
    },
    async (request) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      const posture = await postureOf(deps);
      const p = await postureOfEndpoint(posture, e);
      const meta = await posture.repo.getMeta(e.host, e.method, e.pathTemplate);
      return { ...endpointPostureJson(p), owner: meta?.owner ?? '', tags: meta?.tags ?? [] };
    },
  );

  app.get(
    '/v1/endpoints/:id/geo',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: `Where clients call from and where the gateway sent the calls (country, city, ASN/organisation; private ranges as internal), from retained events (top ${MAX_GEO_CLIENTS} addresses each): \`destination\` has the host, whether it is internal, and the upstream addresses the gateways reported with their geography.`,
          schema: OBJ,
        },
      },
      schema: { summary: 'Client and destination geography of an endpoint', tags: ['posture'], params: PARAMS },
    },
    async (request) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      const geo = await geoOf(deps);
      const rows = await store.sql.query(
        'SELECT client_ip, COUNT(*) AS c FROM events WHERE endpoint_id = ? GROUP BY client_ip ORDER BY c DESC, client_ip LIMIT ?',
        [e.id, MAX_GEO_CLIENTS],
      );
      const calls: [string, number][] = rows.map((r) => [String(r.client_ip), Number(r.c)]);
      // Events without an upstream (blocked, local replies) have no destination address.
      const upstreamRows = await store.sql.query(
        "SELECT upstream_ip, COUNT(*) AS c FROM events WHERE endpoint_id = ? AND upstream_ip <> '' GROUP BY upstream_ip ORDER BY c DESC, upstream_ip LIMIT ?",
        [e.id, MAX_GEO_CLIENTS],
      );
      const upstreams: [string, number][] = upstreamRows.map((r) => [String(r.upstream_ip), Number(r.c)]);
      const dest = summarizeGeo(geo, upstreams);
      return {
        ...summarizeGeo(geo, calls),
        destination: {
          host: e.host,
          internal: e.internal,
          countries: dest.countries,
          cities: dest.cities,
          networks: dest.networks,
          internalRequests: dest.internal,
          externalRequests: dest.external,
          addresses: withGeo(geo, upstreams),
        },
        clients: withGeo(geo, calls),
      };
    },
  );

  app.patch(
    '/v1/endpoints/:id',
    {
      config: {
        auth: ['operator'],
        docs: {
          description: 'The owner and tags now in force.',
          schema: {
            type: 'object',
            properties: { id: { type: 'string' }, owner: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
      schema: {
        summary: 'Set the owner and tags of an endpoint',
        tags: ['posture'],
        params: PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            owner: { type: 'string', maxLength: 200, description: "A team or person; '' clears it (the endpoint is then orphaned)." },
            tags: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
          },
        },
      },
    },
    async (request) => {
      const e = await endpointOrThrow(store, (request.params as { id: string }).id);
      const body = request.body as { owner?: string; tags?: string[] };
      const posture = await postureOf(deps);
      const cur = await posture.repo.getMeta(e.host, e.method, e.pathTemplate);
      const meta = {
        host: e.host,
        method: e.method,
        path: e.pathTemplate,
        owner: body.owner ?? cur?.owner ?? '',
        tags: body.tags ?? cur?.tags ?? [],
      };
      await posture.setMeta(
        meta,
        auditEntry(deps, request, 'endpoint.update', () => ({
          target: `endpoints/${e.id}`,
          details: { owner: meta.owner, tags: meta.tags },
        })),
      );
      return { id: e.id, owner: meta.owner, tags: meta.tags };
    },
  );
}

/** Addresses with their call counts and geography (none for a string that is not an address). */
function withGeo(geo: GeoLookup, calls: readonly [string, number][]) {
  return calls.map(([ip, requests]) => {
    const g = geo.lookup(ip);
    return { ip, requests, ...(g ? { internal: g.internal, country: g.country, city: g.city, asn: g.asn, org: g.org } : {}) };
  });
}
