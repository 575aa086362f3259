// /v1/gateways: every gateway's kind, version, last heartbeat, rules version acked, events
// received and dropped — "installed but no data" diagnosed in one look — and revocation.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import type { GatewayRecord } from '../../store/types.ts';
import { ref } from '../route-config.ts';
import { idParams, pageQuery } from '../api-schemas.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import { actorOf } from './rules.ts';

/** admin.proto Gateway in canonical JSON. */
export function gatewayJson(g: GatewayRecord, revoked: boolean): Record<string, unknown> {
  return {
    info: { id: g.id, kind: g.kind, version: g.version, hostname: g.hostname, bootId: g.bootId },
    lastHeartbeatMs: String(g.lastHeartbeatMs),
    rulesVersionAcked: String(g.rulesVersionAcked),
    rulesVersionRejected: String(g.rulesVersionRejected),
    rejectReason: g.rejectReason,
    eventsReceived: String(g.eventsReceived),
    eventsDropped: String(g.eventsDropped),
    connected: g.connected,
    revoked,
  };
}

export default function gatewayRoutes(app: FastifyInstance, { store, tokens }: HttpDeps): void {
  app.get(
    '/v1/gateways',
    {
      config: { auth: ['viewer'], docs: { description: 'Gateways known to the control plane.', schema: ref('GatewayList') } },
      schema: { summary: 'List gateways', tags: ['gateways'], querystring: pageQuery() },
    },
    async (request) => {
      const page = await store.gateways.list(request.query as { limit?: number; cursor?: string });
      const revoked = await tokens.revokedGateways(page.items.map((g) => g.id));
      return { items: page.items.map((g) => gatewayJson(g, revoked.has(g.id))), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/gateways/:id',
    {
      config: { auth: ['viewer'], docs: { description: 'One gateway.', schema: ref('Gateway') } },
      schema: { summary: 'Get a gateway', tags: ['gateways'], params: idParams('id') },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const g = await store.gateways.get(id);
      if (!g) throw new PalisadeError(Errors.GatewayNotFound, `no gateway has id '${id}'`);
      return gatewayJson(g, (await tokens.revokedGateways([id])).has(id));
    },
  );

  app.post(
    '/v1/gateways/:id/revoke',
    {
      config: {
        auth: ['admin'],
        docs: {
          description: 'Every token of the gateway is revoked; its streams are refused from the next call.',
          schema: { type: 'object', properties: { tokensRevoked: { type: 'integer' } } },
        },
      },
      schema: { summary: 'Revoke a gateway', tags: ['gateways'], params: idParams('id') },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return { tokensRevoked: await tokens.revokeGateway(actorOf(request), id) };
    },
  );
}
