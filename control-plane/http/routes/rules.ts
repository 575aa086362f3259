// /v1/rules: the current compiled RuleSet (ETag = digest and releases digest, for the Apigee flow and gateways that
// poll), published versions, diff, validate, publish and rollback.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import type { RuleVersionRecord } from '../../rules/rule-version-store.ts';
import { ref } from '../route-config.ts';
import { idParams, pageOf, pageQuery, VERSION_NUMBER } from '../api-schemas.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import type { Actor } from '../../audit/audit-log.ts';
import type { FastifyRequest } from 'fastify';

/** admin.proto RuleVersion in canonical JSON (uint64 as strings). */
export function ruleVersionJson(v: RuleVersionRecord, withSource = true): Record<string, unknown> {
  return {
    version: String(v.version),
    publishedAtMs: String(v.publishedAtMs),
    publishedBy: v.publishedBy,
    comment: v.comment,
    ...(withSource ? { source: v.source } : {}),
    rolledBackFrom: String(v.rolledBackFrom),
    digest: v.digest,
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  return p ? { name: p.name, role: p.role } : { name: 'anonymous', role: 'none' };
}

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '') === bare;
  });
}

const SOURCE_BODY = { type: 'object', description: 'A RuleSource (validated separately; errors carry paths relative to it).' };
const COMMENT = { type: 'string', maxLength: 2000 };

/**
 * A gateway polling GET /v1/rules (the Apigee shared flow; gRPC gateways use WatchRules) is
 * recorded like a WatchRules hello: it is an Apigee gateway, and what it receives — or already holds,
 * on a 304 — is the version it enforces (the flow has no separate ack: it applies what it fetched,
 * or keeps its built-ins when the fetch fails).
 */
async function recordPollingGateway(store: HttpDeps['store'], request: FastifyRequest, version: number): Promise<void> {
  const id = request.principal?.role === 'gateway' ? request.principal.gatewayId : undefined;
  if (!id) return;
  const now = Date.now();
  const agent = String(request.headers['user-agent'] ?? '').slice(0, 64);
  await store.gateways.upsertInfo({ id, kind: 'GATEWAY_KIND_APIGEE', version: agent, hostname: '', bootId: '' }, now);
  await store.gateways.recordRulesApplied(id, version, now);
}

export default function rulesRoutes(app: FastifyInstance, { rules, store }: HttpDeps): void {
  app.get(
    '/v1/rules',
    {
      config: {
        auth: ['viewer', 'gateway'],
        docs: {
          description:
            'The current compiled RuleSet (canonical proto JSON) with the value releases in force. ETag is the digest, extended by the releases digest when values are released; If-None-Match gives 304.',
          schema: ref('RuleSet'),
        },
      },
      schema: { summary: 'Current compiled rule set', tags: ['rules'] },
    },
    async (request, reply) => {
      const current = rules.current();
      const etag = current.etag;
      reply.header('etag', etag).header('cache-control', 'no-cache').header('x-palisade-rules-version', String(current.version));
      await recordPollingGateway(store, request, current.version);
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.type('application/json').send(current.json);
    },
  );

  app.get(
    '/v1/rules/versions',
    {
      config: {
        auth: ['viewer'],
        docs: { description: 'Published versions, newest first (without sources).', schema: pageOf(ref('RuleVersion')) },
      },
      schema: { summary: 'List rule versions', tags: ['rules'], querystring: pageQuery() },
    },
    async (request) => {
      const q = request.query as { limit?: number; cursor?: string };
      const page = await rules.versions.list(q);
      return { items: page.items.map((v) => ruleVersionJson(v, false)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/rules/versions/:version',
    {
      config: { auth: ['viewer'], docs: { description: 'One published version with its source.', schema: ref('RuleVersion') } },
      schema: { summary: 'Get a rule version', tags: ['rules'], params: idParams('version', VERSION_NUMBER) },
    },
    async (request) => {
      const { version } = request.params as { version: number };
      const v = await rules.versions.get(version);
      if (!v) throw new PalisadeError(Errors.RulesVersionNotFound, `version ${version} was never published`);
      return ruleVersionJson(v);
    },
  );

  app.get(
    '/v1/rules/diff',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Structured diff of two versions\u2019 sources (version 0 = the empty source).',
          schema: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              changes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { op: { enum: ['add', 'remove', 'replace'] }, path: { type: 'string' }, from: {}, to: {} },
                },
              },
            },
          },
        },
      },
      schema: {
        summary: 'Diff two rule versions',
        tags: ['rules'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: { from: VERSION_NUMBER, to: VERSION_NUMBER },
        },
      },
    },
    async (request) => {
      const { from, to } = request.query as { from: number; to: number };
      return rules.diff(from, to);
    },
  );

  app.post(
    '/v1/rules/validate',
    {
      config: {
        auth: ['operator'],
        docs: {
          description: 'Validates a source without publishing it: every error with its JSON path.',
          schema: { type: 'object', properties: { valid: { type: 'boolean' }, errors: { type: 'array', items: ref('FieldError') } } },
        },
      },
      schema: {
        summary: 'Validate a rule source',
        tags: ['rules'],
        body: { type: 'object', additionalProperties: false, required: ['source'], properties: { source: SOURCE_BODY } },
      },
    },
    async (request) => {
      const r = rules.validate((request.body as { source: unknown }).source);
      return r.ok ? { valid: true, errors: [] } : { valid: false, errors: r.errors };
    },
  );

  app.post(
    '/v1/rules/publish',
    {
      config: { auth: ['operator'], docs: { status: 201, description: 'The new version.', schema: ref('RuleVersion') } },
      schema: {
        summary: 'Publish a rule source as a new version',
        description:
          'Validates, compiles and stores an immutable version, then pushes it to every gateway. expectedVersion (optional) refuses the publish with 409 when the current version differs.',
        tags: ['rules'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['source'],
          properties: { source: SOURCE_BODY, comment: COMMENT, expectedVersion: VERSION_NUMBER },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { source: unknown; comment?: string; expectedVersion?: number };
      const v = await rules.publish(actorOf(request), body);
      request.log.info({ version: v.version, digest: v.digest }, 'rules published');
      return reply.code(201).send(ruleVersionJson(v));
    },
  );

  app.post(
    '/v1/rules/rollback',
    {
      config: {
        auth: ['operator'],
        docs: { status: 201, description: 'The new version (a copy of the older source).', schema: ref('RuleVersion') },
      },
      schema: {
        summary: 'Publish an older version again',
        tags: ['rules'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['toVersion'],
          properties: { toVersion: { ...VERSION_NUMBER, minimum: 1 }, comment: COMMENT },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { toVersion: number; comment?: string };
      const v = await rules.rollback(actorOf(request), body);
      request.log.info({ version: v.version, rolledBackFrom: v.rolledBackFrom }, 'rules rolled back');
      return reply.code(201).send(ruleVersionJson(v));
    },
  );
}
