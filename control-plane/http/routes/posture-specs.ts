// /v1/specs: uploaded OpenAPI 3.0 / 3.1 and Swagger 2.0 documents (JSON or YAML) that runtime traffic
// is checked against. A spec is parsed, its references resolved (local only, nothing fetched) and
// validated before anything is stored: an upload is kept whole or not at all.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { idParams } from '../api-schemas.ts';
import { PalisadeError } from '../../errors/catalogue.ts';
import { MAX_SPEC_BYTES } from '../../posture/spec-parse.ts';
import { PostureErrors, toProblem } from '../../posture/posture-errors.ts';
import { auditEntry, postureOf, specJson } from '../../posture/posture-api.ts';
import type { StoredSpec } from '../../posture/posture-repository.ts';

const SPEC = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    host: { type: 'string', description: "Host the spec is checked against; '' = the hosts in its servers (or every host)." },
    specVersion: { enum: ['2.0', '3.0', '3.1'] },
    title: { type: 'string' },
    digest: { type: 'string', description: 'SHA-256 of the uploaded text.' },
    sizeBytes: { type: 'integer' },
    uploadedMs: { type: 'integer' },
    source: { type: 'string', description: 'With ?source=true only.' },
  },
};

export default function postureSpecRoutes(app: FastifyInstance, deps: HttpDeps): void {
  // Specs arrive as their own text, JSON or YAML under any of the usual media types; the spec
  // parser decides what it is. Scoped to this plugin: the rest of the API stays JSON only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_SPEC_BYTES }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/specs',
    {
      bodyLimit: MAX_SPEC_BYTES,
      config: { auth: ['operator'], docs: { status: 201, description: 'The stored spec.', schema: SPEC } },
      schema: {
        summary: 'Upload an API spec',
        description: `Body: the spec text (OpenAPI 3.0, 3.1 or Swagger 2.0; JSON or YAML; at most ${MAX_SPEC_BYTES} bytes). Remote $refs are refused.`,
        tags: ['posture'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, description: "Default: the spec's info.title." },
            host: { type: 'string', minLength: 1, maxLength: 253, description: 'Check only this host against the spec.' },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'string' || body.trim() === '')
        throw new PalisadeError(PostureErrors.SpecParse, 'the request body must be the spec text (JSON or YAML)');
      const q = request.query as { name?: string; host?: string };
      const posture = await postureOf(deps);
      const entry = auditEntry<StoredSpec>(deps, request, 'spec.upload', (s) => ({
        target: `specs/${s.id}`,
        details: { name: s.name, host: s.host, digest: s.digest, sizeBytes: s.sizeBytes },
      }));
      const stored = await posture.uploadSpec(body, { name: q.name ?? '', ...(q.host ? { host: q.host } : {}) }, entry).catch(toProblem);
      return reply.code(201).send(specJson(stored));
    },
  );

  app.get(
    '/v1/specs',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Uploaded specs, oldest first (without their text).',
          schema: { type: 'object', properties: { items: { type: 'array', items: SPEC } } },
        },
      },
      schema: { summary: 'List API specs', tags: ['posture'] },
    },
    async () => {
      const posture = await postureOf(deps);
      return { items: (await posture.repo.listSpecs()).map((s) => specJson(s)), nextCursor: '' };
    },
  );

  app.get(
    '/v1/specs/:id',
    {
      config: { auth: ['viewer'], docs: { description: 'One uploaded spec.', schema: SPEC } },
      schema: {
        summary: 'Get an API spec',
        tags: ['posture'],
        params: idParams('id'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { source: { type: 'boolean', description: 'Include the uploaded text.' } },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const posture = await postureOf(deps);
      const spec = await posture.repo.getSpec(id);
      if (!spec) throw new PalisadeError(PostureErrors.PostureNotFound, `no spec has id '${id}'`);
      return specJson(spec, (request.query as { source?: boolean }).source === true);
    },
  );

  app.delete(
    '/v1/specs/:id',
    {
      config: { auth: ['operator'], docs: { status: 204, description: 'Deleted; posture is re-evaluated without it.' } },
      schema: { summary: 'Delete an API spec', tags: ['posture'], params: idParams('id') },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const posture = await postureOf(deps);
      const entry = auditEntry(deps, request, 'spec.delete', () => ({ target: `specs/${id}`, details: {} }));
      if (!(await posture.deleteSpec(id, entry))) throw new PalisadeError(PostureErrors.PostureNotFound, `no spec has id '${id}'`);
      return reply.code(204).send();
    },
  );
}
