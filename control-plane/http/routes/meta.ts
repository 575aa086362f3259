// Unauthenticated metadata: the OpenAPI document and a health probe for load balancers.
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { HttpDeps } from '../server.ts';
import { buildOpenApiDocument, collectRoutes, type CollectedRoute } from '../openapi.ts';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export default function metaRoutes(app: FastifyInstance, { rules }: HttpDeps): void {
  let doc: string | undefined;
  // The root collector saw every route registered on the server; reading it lazily (first
  // request) means routes registered after this plugin are included too.
  const routes = (app as unknown as { palisadeRoutes?: CollectedRoute[] }).palisadeRoutes ?? collectRoutes(app);
  app.get(
    '/v1/openapi.json',
    {
      config: { auth: 'public', docs: { description: 'This document (OpenAPI 3.1).' } },
      schema: { summary: 'OpenAPI document', tags: ['meta'] },
    },
    async (_request, reply) => {
      doc ??= JSON.stringify(buildOpenApiDocument(routes, { version: PACKAGE_VERSION }));
      return reply.type('application/json').send(doc);
    },
  );
  app.get(
    '/healthz',
    {
      config: {
        auth: 'public',
        docs: {
          description: 'Liveness and the rules version this replica serves.',
          schema: { type: 'object', properties: { status: { type: 'string' }, rulesVersion: { type: 'string' } } },
        },
      },
      schema: { summary: 'Health probe', tags: ['meta'] },
    },
    async () => ({ status: 'ok', rulesVersion: String(rules.current().version) }),
  );
}
