// /v1/openapi[/:host]: OpenAPI 3.1 documents generated from runtime traffic, per host or every host
// merged, as JSON or YAML. (Not to be confused with /v1/openapi.json, the document of this API.)
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { PalisadeError } from '../../errors/catalogue.ts';
import { PostureErrors } from '../../posture/posture-errors.ts';
import { postureOf, sendDocument } from '../../posture/posture-api.ts';

const FORMAT = { enum: ['json', 'yaml'], description: 'json (default) or yaml.' };
const DOC = { type: 'object', description: 'An OpenAPI 3.1 document.' };

export default function postureOpenApiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/openapi',
    {
      config: { auth: ['viewer'], docs: { description: 'One document for every host seen.', schema: DOC } },
      schema: {
        summary: 'Generated OpenAPI (all hosts)',
        tags: ['posture'],
        querystring: { type: 'object', additionalProperties: false, properties: { format: FORMAT } },
      },
    },
    async (request, reply) => {
      const posture = await postureOf(deps);
      const doc = await posture.openapi();
      return sendDocument(reply, doc!, (request.query as { format?: string }).format, 'openapi');
    },
  );

  app.get(
    '/v1/openapi/:host',
    {
      config: { auth: ['viewer'], docs: { description: "The host's document (or every host merged with merge=true).", schema: DOC } },
      schema: {
        summary: 'Generated OpenAPI of a host',
        tags: ['posture'],
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['host'],
          properties: { host: { type: 'string', minLength: 1, maxLength: 253 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: FORMAT, merge: { type: 'boolean', description: 'One document for every host.' } },
        },
      },
    },
    async (request, reply) => {
      const { host } = request.params as { host: string };
      const q = request.query as { format?: string; merge?: boolean };
      const posture = await postureOf(deps);
      const doc = await posture.openapi(q.merge ? undefined : host);
      if (!doc) throw new PalisadeError(PostureErrors.PostureNotFound, `no endpoint has been seen on host '${host}'`);
      return sendDocument(reply, doc, q.format, q.merge ? 'openapi' : `openapi-${host.replace(/[^A-Za-z0-9.-]/g, '_')}`);
    },
  );

  app.get(
    '/v1/posture/hosts',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Hosts with endpoints (each has a generated document).',
          schema: {
            type: 'object',
            properties: {
              items: { type: 'array', items: { type: 'object', properties: { host: { type: 'string' }, endpoints: { type: 'integer' } } } },
            },
          },
        },
      },
      schema: { summary: 'Hosts seen', tags: ['posture'] },
    },
    async () => ({ items: await (await postureOf(deps)).hosts(), nextCursor: '' }),
  );
}
