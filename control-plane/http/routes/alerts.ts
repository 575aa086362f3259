// /v1/alerts: routes that send selected posture events to Slack, PagerDuty or email, and the log of
// every delivery attempt. Secrets (webhook paths, routing keys, SMTP passwords) go in and never come
// back out: listings are redacted.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { idParams } from '../api-schemas.ts';
import { PalisadeError } from '../../errors/catalogue.ts';
import { PostureErrors, toProblem } from '../../posture/posture-errors.ts';
import { auditEntry, postureOf } from '../../posture/posture-api.ts';
import type { AuditAction } from '../../audit/audit-log.ts';
import { redactRoute, type AlertRoute } from '../../alerts/alert-route.ts';
import type { PostureEvent } from '../../posture/posture-changes.ts';
import type { PostureService } from '../../posture/posture-service.ts';

const ROUTE = {
  type: 'object',
  description:
    'id, name, enabled, channel ({type: slack, webhookUrl} | {type: pagerduty, routingKey, url?} | {type: email, host, port, secure, user, pass, from, to[]}), kinds[], minSeverity, hosts[], perMinute, burst, sendResolves.',
};
const PARAMS = idParams('id', { type: 'string', minLength: 1, maxLength: 64 });
const ROUTE_LIST = { type: 'object', properties: { items: { type: 'array', items: ROUTE }, nextCursor: { type: 'string' } } };

async function routeOrThrow(posture: PostureService, id: string): Promise<AlertRoute> {
  const route = (await posture.routes()).find((r) => r.id === id);
  if (!route) throw new PalisadeError(PostureErrors.PostureNotFound, `no alert route has id '${id}'`);
  return route;
}

/** A harmless event that exercises the whole path to the receiver. */
/** A route change's audit entry: the route as stored, redacted (no webhook URLs, keys or passwords). */
function routeEntry(deps: HttpDeps, request: FastifyRequest, action: AuditAction) {
  return auditEntry<AlertRoute>(deps, request, action, (route) => ({ target: `alerts/routes/${route.id}`, details: redactRoute(route) }));
}

function testEvents(route: AlertRoute, summary: string): PostureEvent[] {
  const at = Date.now();
  const base = {
    at,
    kind: 'endpoint-new' as const,
    host: 'palisade.test',
    method: 'GET',
    path: '/palisade/test-alert',
    dedupKey: `palisade-test-${route.id}`,
    data: { test: true },
  };
  const trigger: PostureEvent = { ...base, id: randomUUID().replace(/-/g, '').slice(0, 24), severity: 'info', summary, resolves: false };
  // PagerDuty opens an incident per dedup key: close the test one straight away.
  if (route.channel.type !== 'pagerduty') return [trigger];
  return [
    trigger,
    { ...base, id: randomUUID().replace(/-/g, '').slice(0, 24), severity: 'info', summary: `resolved: ${summary}`, resolves: true },
  ];
}

export default function alertRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/alerts/routes',
    {
      config: { auth: ['viewer'], docs: { description: 'Alert routes, secrets redacted.', schema: ROUTE_LIST } },
      schema: { summary: 'List alert routes', tags: ['alerts'] },
    },
    async () => ({ items: (await (await postureOf(deps)).routes()).map(redactRoute), nextCursor: '' }),
  );

  app.post(
    '/v1/alerts/routes',
    {
      config: { auth: ['operator'], docs: { status: 201, description: 'The route as stored (redacted).', schema: ROUTE } },
      schema: { summary: 'Create an alert route', tags: ['alerts'], body: { type: 'object' } },
    },
    async (request, reply) => {
      const posture = await postureOf(deps);
      const id = (request.body as { id?: unknown }).id;
      if (typeof id === 'string' && (await posture.routes()).some((r) => r.id === id))
        throw new PalisadeError(PostureErrors.AlertRouteExists, `alert route '${id}' exists; PATCH it or choose another id`);
      const route = await posture.putRoute(request.body, routeEntry(deps, request, 'alert-route.create')).catch(toProblem);
      return reply.code(201).send(redactRoute(route));
    },
  );

  app.get(
    '/v1/alerts/routes/:id',
    {
      config: { auth: ['viewer'], docs: { description: 'One alert route (redacted).', schema: ROUTE } },
      schema: { summary: 'Get an alert route', tags: ['alerts'], params: PARAMS },
    },
    async (request) => redactRoute(await routeOrThrow(await postureOf(deps), (request.params as { id: string }).id)),
  );

  app.patch(
    '/v1/alerts/routes/:id',
    {
      config: { auth: ['operator'], docs: { description: 'The route after the change (redacted).', schema: ROUTE } },
      schema: {
        summary: 'Change an alert route',
        description: 'Fields given replace the stored ones; a channel of the same type is merged, so secrets need not be sent again.',
        tags: ['alerts'],
        params: PARAMS,
        body: { type: 'object' },
      },
    },
    async (request) => {
      const posture = await postureOf(deps);
      const cur = await routeOrThrow(posture, (request.params as { id: string }).id);
      const patch = request.body as Record<string, unknown>;
      const ch = patch.channel as Record<string, unknown> | undefined;
      const channel =
        ch && typeof ch === 'object' && (ch.type === undefined || ch.type === cur.channel.type)
          ? { ...cur.channel, ...ch }
          : (ch ?? cur.channel);
      const route = await posture
        .putRoute({ ...cur, ...patch, channel, id: cur.id }, routeEntry(deps, request, 'alert-route.update'))
        .catch(toProblem);
      return redactRoute(route);
    },
  );

  app.delete(
    '/v1/alerts/routes/:id',
    {
      config: { auth: ['operator'], docs: { status: 204, description: 'Deleted.' } },
      schema: { summary: 'Delete an alert route', tags: ['alerts'], params: PARAMS },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const entry = auditEntry(deps, request, 'alert-route.delete', () => ({ target: `alerts/routes/${id}`, details: {} }));
      if (!(await (await postureOf(deps)).deleteRoute(id, entry)))
        throw new PalisadeError(PostureErrors.PostureNotFound, `no alert route has id '${id}'`);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/alerts/routes/:id/test',
    {
      config: {
        auth: ['operator'],
        docs: {
          status: 202,
          description: 'A test alert was queued; its outcome shows in /v1/alerts/deliveries.',
          schema: { type: 'object', properties: { queued: { type: 'integer' }, eventId: { type: 'string' } } },
        },
      },
      schema: {
        summary: 'Send a test alert',
        tags: ['alerts'],
        params: PARAMS,
        body: { type: 'object', additionalProperties: true, properties: { summary: { type: 'string', maxLength: 500 } } },
      },
    },
    async (request, reply) => {
      const posture = await postureOf(deps);
      const route = await routeOrThrow(posture, (request.params as { id: string }).id);
      const summary = (request.body as { summary?: string } | undefined)?.summary ?? `Palisade test alert for route ${route.id}`;
      const events = testEvents(route, summary);
      posture.dispatcher.publishTo(route.id, events);
      return reply.code(202).send({ queued: events.length, eventId: events[0]!.id });
    },
  );

  app.get(
    '/v1/alerts/deliveries',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Delivery attempts and outcomes, newest first.',
          schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } },
        },
      },
      schema: {
        summary: 'Alert delivery log',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { routeId: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
    },
    async (request) => {
      const q = request.query as { routeId?: string; limit?: number };
      const items = await (await postureOf(deps)).alerts.listDeliveries(q);
      return { items: items.map(({ at, ...rest }) => ({ atMs: at, ...rest })), nextCursor: '' };
    },
  );
}
