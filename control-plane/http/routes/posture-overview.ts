// The estate's posture at a glance: summary, endpoint classes (shadow / zombie / orphaned, each with
// its evidence), every conformance violation, and a way to re-evaluate now.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { PAGE_QUERY_PROPERTIES } from '../api-schemas.ts';
import { endpointIdOf, offsetPage, postureOf, violationJson } from '../../posture/posture-api.ts';
import type { EndpointClass } from '../../posture/endpoint-classes.ts';

const OBJ = { type: 'object' };
const LIST = {
  type: 'object',
  properties: { items: { type: 'array', items: OBJ }, nextCursor: { type: 'string' }, total: { type: 'integer' } },
};
const VIOLATION_KINDS = [
  'undocumented-method',
  'undocumented-path',
  'undocumented-status',
  'undocumented-param',
  'missing-required-param',
  'type-mismatch',
  'auth-mismatch',
  'shadow',
  'zombie',
];

export default function postureOverviewRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/posture/summary',
    {
      config: {
        auth: ['viewer'],
        docs: { description: 'Counts by class, violations and risk band, from the latest evaluation.', schema: OBJ },
      },
      schema: { summary: 'Posture summary', tags: ['posture'] },
    },
    async () => {
      const snap = await (await postureOf(deps)).snapshot();
      const classes: Record<EndpointClass, number> = { shadow: 0, zombie: 0, orphaned: snap.orphaned.length };
      const riskBuckets = { low: 0, medium: 0, high: 0, critical: 0 };
      for (const p of snap.endpoints.values()) {
        for (const c of new Set(p.classes.map((x) => x.class))) classes[c]++;
        const s = p.risk.score;
        riskBuckets[s >= 90 ? 'critical' : s >= 70 ? 'high' : s >= 40 ? 'medium' : 'low']++;
      }
      return {
        atMs: snap.at,
        modelVersion: snap.modelVersion,
        endpoints: snap.endpoints.size,
        classes,
        violations: snap.report.violations.length,
        riskBuckets,
      };
    },
  );

  app.post(
    '/v1/posture/evaluate',
    {
      config: {
        auth: ['operator'],
        docs: {
          description: 'Evaluated now; the changes found were recorded and alerted.',
          schema: {
            type: 'object',
            properties: { atMs: { type: 'integer' }, endpoints: { type: 'integer' }, events: { type: 'integer' } },
          },
        },
      },
      schema: { summary: 'Re-evaluate posture now', tags: ['posture'] },
    },
    async () => {
      const { snapshot, events } = await (await postureOf(deps)).evaluate();
      return { atMs: snapshot.at, endpoints: snapshot.endpoints.size, events: events.length };
    },
  );

  app.get(
    '/v1/posture/classes',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Endpoints that are shadow, zombie or orphaned, with the evidence; spec operations never called have no endpointId.',
          schema: LIST,
        },
      },
      schema: {
        summary: 'Shadow, zombie and orphaned endpoints',
        tags: ['posture'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            class: { enum: ['shadow', 'zombie', 'orphaned'] },
            host: { type: 'string', maxLength: 253 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { class?: EndpointClass; host?: string; limit?: number; cursor?: string };
      const snap = await (await postureOf(deps)).snapshot();
      const rows = [
        ...[...snap.endpoints.values()].map((p) => ({
          endpointId: endpointIdOf(p.host, p.method, p.path),
          host: p.host,
          method: p.method,
          path: p.path,
          observed: true,
          classes: p.classes,
        })),
        ...snap.orphaned.map((o) => ({ host: o.host, method: o.method, path: o.path, observed: false, classes: o.classes })),
      ]
        .map((r) => ({ ...r, classes: q.class ? r.classes.filter((c) => c.class === q.class) : r.classes }))
        .filter((r) => r.classes.length > 0 && (!q.host || r.host === q.host.toLowerCase()))
        .sort((a, b) => a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
      return { ...offsetPage(rows, q), total: rows.length };
    },
  );

  app.get(
    '/v1/conformance',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Every violation of the uploaded specs by runtime traffic, with evidence (count, first/last seen).',
          schema: LIST,
        },
      },
      schema: {
        summary: 'Conformance violations',
        tags: ['posture'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            host: { type: 'string', maxLength: 253 },
            method: { type: 'string', maxLength: 16 },
            kind: { enum: VIOLATION_KINDS },
            spec: { type: 'string', maxLength: 200, description: 'Name of the spec violated.' },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { host?: string; method?: string; kind?: string; spec?: string; limit?: number; cursor?: string };
      const snap = await (await postureOf(deps)).snapshot();
      const rows = snap.report.violations
        .filter(
          (v) =>
            (!q.host || v.host === q.host.toLowerCase()) &&
            (!q.method || v.method === q.method.toUpperCase()) &&
            (!q.kind || v.kind === q.kind) &&
            (!q.spec || v.spec === q.spec),
        )
        .sort(
          (a, b) =>
            a.host.localeCompare(b.host) ||
            a.endpointPath.localeCompare(b.endpointPath) ||
            a.method.localeCompare(b.method) ||
            a.kind.localeCompare(b.kind) ||
            a.subject.localeCompare(b.subject),
        );
      const page = offsetPage(rows, q);
      return { items: page.items.map(violationJson), nextCursor: page.nextCursor, total: rows.length };
    },
  );
}
