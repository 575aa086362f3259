// GET /v1/summary: the overview's numbers in one request — inventory size (internal vs external),
// request rate, blocked requests and findings over the last hour, the exposure series of the last
// 24 hours by type, gateways connected and the rules version they should run. Posture classes and
// risk have their own routes (/v1/posture/summary, /v1/endpoints?sort=risk).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { endpointCounts, findingEvents, minuteTotals } from '../../insights/event-queries.ts';
import { buildExposure } from '../../insights/exposure-report.ts';
import { bucketOf, timeWindow } from '../../insights/time-window.ts';

const HOUR_MINUTES = 60;
const DAY_MINUTES = 24 * 60;
/** Events with findings read for the by-type series; the totals come from the minute aggregates. */
const MAX_EVENTS = 5_000;

const INT = { type: 'integer' } as const;

export default function summaryRoutes(app: FastifyInstance, { store, rules }: HttpDeps): void {
  app.get(
    '/v1/summary',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Counts for the overview: endpoints, traffic and findings of the last hour, exposure over 24 hours, gateways.',
          schema: {
            type: 'object',
            properties: {
              atMs: INT,
              endpoints: { type: 'object', properties: { total: INT, internal: INT, external: INT } },
              lastHour: {
                type: 'object',
                properties: { requests: INT, requestsPerMinute: { type: 'number' }, blocked: INT, errors: INT, findings: INT },
              },
              exposureSeries: { type: 'array', items: { type: 'object', properties: { t: INT, findings: INT } } },
              findingsByType: {
                type: 'array',
                description: 'Per bucket of the last 24 hours: findings per type.',
                items: { type: 'object', properties: { t: INT, counts: { type: 'object', additionalProperties: INT } } },
              },
              topFindingTypes: {
                type: 'array',
                items: { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' }, findings: INT } },
              },
              gateways: { type: 'object', properties: { total: INT, connected: INT, behind: INT } },
              rulesVersion: { type: 'string' },
            },
          },
        },
      },
      schema: { summary: 'Overview counts', tags: ['dashboard'] },
    },
    async () => {
      const now = Date.now();
      const hour = timeWindow(HOUR_MINUTES, now);
      const day = timeWindow(DAY_MINUTES, now);
      const [counts, minutes, daily, findings, gateways] = await Promise.all([
        endpointCounts(store.sql),
        minuteTotals(store.sql, hour.sinceMs, hour.untilMs),
        minuteTotals(store.sql, day.sinceMs, day.untilMs),
        findingEvents(store.sql, day, MAX_EVENTS),
        store.gateways.list({ limit: 1000 }),
      ]);
      const sum = (k: 'requests' | 'blocked' | 'errors' | 'findings') => minutes.reduce((a, m) => a + m[k], 0);
      const exposure = buildExposure({ rows: findings, window: day, truncated: findings.length >= MAX_EVENTS });
      // The exposure series counts from the minute aggregates: exact even when events were capped.
      const perBucket = new Map(exposure.series.map((p) => [p.t, 0]));
      for (const m of daily) {
        const t = bucketOf(day, m.t);
        if (perBucket.has(t)) perBucket.set(t, perBucket.get(t)! + m.findings);
      }
      const version = rules.current().version;
      const connected = gateways.items.filter((g) => g.connected);
      const requests = sum('requests');
      return {
        atMs: now,
        endpoints: counts,
        lastHour: {
          requests,
          requestsPerMinute: Math.round((requests / HOUR_MINUTES) * 10) / 10,
          blocked: sum('blocked'),
          errors: sum('errors'),
          findings: sum('findings'),
        },
        exposureSeries: [...perBucket].map(([t, n]) => ({ t, findings: n })),
        findingsByType: exposure.seriesByType,
        topFindingTypes: exposure.byType.slice(0, 8),
        gateways: {
          total: gateways.items.length,
          connected: connected.length,
          behind: connected.filter((g) => g.rulesVersionAcked < version).length,
        },
        rulesVersion: String(version),
      };
    },
  );
}
