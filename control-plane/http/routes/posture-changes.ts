// /v1/posture/changes: the posture event log (new endpoints, new sensitive data, risk crossing a
// threshold, new or resolved conformance violations, weakened auth, endpoints turned zombie), newest
// first, filtered, paginated and exportable as CSV or JSON Lines.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { PAGE_QUERY_PROPERTIES } from '../api-schemas.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import { changeJson, postureOf, timeParam } from '../../posture/posture-api.ts';
import { eventsToCsv, eventsToJsonLines } from '../../posture/posture-export.ts';
import { POSTURE_EVENT_KINDS, type PostureEvent, type PostureEventKind, type Severity } from '../../posture/posture-changes.ts';
import type { EventFilter, PostureRepository } from '../../posture/posture-repository.ts';
import { SEVERITIES } from '../../alerts/alert-route.ts';

const TIME = { type: 'string', maxLength: 40, description: 'Epoch milliseconds or an RFC 3339 date.' };
const FILTERS = {
  kind: { enum: [...POSTURE_EVENT_KINDS] },
  severity: { enum: [...SEVERITIES] },
  host: { type: 'string', maxLength: 253 },
  since: { ...TIME, description: 'From this time (inclusive). Epoch milliseconds or an RFC 3339 date.' },
  until: { ...TIME, description: 'Before this time (exclusive). Epoch milliseconds or an RFC 3339 date.' },
};
/** An export is one response: past this many events, narrow the time range. */
const MAX_EXPORT = 100_000;

type Query = {
  kind?: PostureEventKind;
  severity?: Severity;
  host?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
};

function filterOf(request: FastifyRequest): EventFilter {
  const q = request.query as Query;
  const sinceMs = timeParam('since', q.since);
  const untilMs = timeParam('until', q.until);
  return {
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.host ? { host: q.host.toLowerCase() } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(untilMs !== undefined ? { untilMs } : {}),
  };
}

async function listOrBadCursor(repo: PostureRepository, f: EventFilter): Promise<{ items: PostureEvent[]; nextCursor: string }> {
  try {
    return await repo.listEvents(f);
  } catch (err) {
    if (err instanceof RangeError)
      throw new PalisadeError(Errors.BadRequest, 'cursor is not one this API returned', [
        { path: '$query.cursor', message: 'is not valid' },
      ]);
    throw err;
  }
}

export default function postureChangeRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/posture/changes',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Posture events, newest first.',
          schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor: { type: 'string' } } },
        },
      },
      schema: {
        summary: 'Posture changes',
        tags: ['posture'],
        querystring: { type: 'object', additionalProperties: false, properties: { ...PAGE_QUERY_PROPERTIES, ...FILTERS } },
      },
    },
    async (request) => {
      const q = request.query as Query;
      const posture = await postureOf(deps);
      const page = await listOrBadCursor(posture.repo, {
        ...filterOf(request),
        limit: q.limit ?? 100,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { items: page.items.map(changeJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/posture/changes/export',
    {
      config: {
        auth: ['viewer'],
        docs: { description: `The matching events (at most ${MAX_EXPORT}, newest first) as a file.`, mediaType: 'text/csv' },
      },
      schema: {
        summary: 'Export posture changes',
        tags: ['posture'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['format'],
          properties: { format: { enum: ['csv', 'jsonl'] }, ...FILTERS },
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query as { format: 'csv' | 'jsonl' };
      const posture = await postureOf(deps);
      const filter = filterOf(request);
      const events: PostureEvent[] = [];
      let cursor = '';
      do {
        const page = await posture.repo.listEvents({ ...filter, limit: 10_000, ...(cursor ? { cursor } : {}) });
        events.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && events.length < MAX_EXPORT);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('content-disposition', `attachment; filename="posture-changes-${stamp}.${format}"`);
      if (cursor || events.length > MAX_EXPORT) reply.header('x-palisade-truncated', 'true');
      const kept = events.slice(0, MAX_EXPORT);
      return format === 'csv'
        ? reply.type('text/csv; charset=utf-8').send(eventsToCsv(kept))
        : reply.type('application/x-ndjson; charset=utf-8').send(eventsToJsonLines(kept));
    },
  );
}
