// /v1/tokens (admin): create (the token is in the response once, never again), list, revoke.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import type { TokenRecord } from '../../auth/token-store.ts';
import { ALL_ROLES } from '../../auth/roles.ts';
import { idParams, pageOf, pageQuery } from '../api-schemas.ts';
import { actorOf } from './rules.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';

const TOKEN_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { enum: [...ALL_ROLES] },
    gatewayId: { type: 'string' },
    createdAtMs: { type: 'string' },
    createdBy: { type: 'string' },
    revokedAtMs: { type: 'string' },
  },
};

export function tokenJson(t: TokenRecord): Record<string, unknown> {
  return { ...t, createdAtMs: String(t.createdAtMs), revokedAtMs: String(t.revokedAtMs) };
}

export default function tokenRoutes(app: FastifyInstance, { tokens }: HttpDeps): void {
  app.get(
    '/v1/tokens',
    {
      config: { auth: ['admin'], docs: { description: 'Tokens (never their secret), ordered by id.', schema: pageOf(TOKEN_SCHEMA) } },
      schema: { summary: 'List tokens', tags: ['tokens'], querystring: pageQuery({ includeRevoked: { type: 'boolean' } }) },
    },
    async (request) => {
      const page = await tokens.list(request.query as { limit?: number; cursor?: string; includeRevoked?: boolean });
      return { items: page.items.map(tokenJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/tokens',
    {
      config: {
        auth: ['admin'],
        docs: {
          status: 201,
          description: 'The new token; `token` is shown only in this response.',
          schema: { type: 'object', properties: { token: { type: 'string' }, record: TOKEN_SCHEMA } },
        },
      },
      schema: {
        summary: 'Create a token',
        tags: ['tokens'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            role: { enum: [...ALL_ROLES] },
            gatewayId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; role: TokenRecord['role']; gatewayId?: string };
      if (body.role === 'gateway' && !body.gatewayId) {
        throw new PalisadeError(Errors.BadRequest, 'a gateway token needs a gatewayId', [
          { path: '$.gatewayId', message: 'is required for role gateway' },
        ]);
      }
      if (body.role !== 'gateway' && body.gatewayId) {
        throw new PalisadeError(Errors.BadRequest, 'only gateway tokens have a gatewayId', [
          { path: '$.gatewayId', message: 'is only allowed for role gateway' },
        ]);
      }
      const { token, record } = await tokens.create(actorOf(request), body);
      return reply.code(201).send({ token, record: tokenJson(record) });
    },
  );

  app.delete(
    '/v1/tokens/:id',
    {
      config: { auth: ['admin'], docs: { description: 'The revoked token.', schema: TOKEN_SCHEMA } },
      schema: { summary: 'Revoke a token', tags: ['tokens'], params: idParams('id') },
    },
    async (request) => tokenJson(await tokens.revoke(actorOf(request), (request.params as { id: string }).id)),
  );
}
