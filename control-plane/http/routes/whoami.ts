// GET /v1/whoami: who the bearer token is, so a client (the dashboard) can sign in with a token
// and show only the controls its role allows.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';

export default function whoamiRoutes(app: FastifyInstance, _deps: HttpDeps): void {
  app.get(
    '/v1/whoami',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'The token’s name and role.',
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin'] } },
          },
        },
      },
      schema: { summary: 'The caller', tags: ['meta'] },
    },
    async (request) => ({ name: request.principal!.name, role: request.principal!.role }),
  );
}
