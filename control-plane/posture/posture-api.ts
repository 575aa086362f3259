// What the posture and alert routes share: finding the service and an endpoint, and the JSON shapes
// of posture values on the wire (times as epoch ms numbers, endpoint ids next to endpoint keys so a
// client can follow a violation or a change to /v1/endpoints/:id). Shapes are listed in
// http/routes/README-posture.md.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { AuditAction } from '../audit/audit-log.ts';
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import type { GeoLookup } from '../geo/geo-lookup.ts';
import type { HttpDeps } from '../http/server.ts';
import { endpointIdFor } from '../store/repositories.ts';
import type { InTransaction } from '../store/sql-client.ts';
import type { EndpointRecord, Store } from '../store/types.ts';
import type { Violation } from './conformance.ts';
import { endpointKey } from './model.ts';
import type { PostureEvent } from './posture-changes.ts';
import { PostureErrors } from './posture-errors.ts';
import type { EndpointPosture } from './posture-evaluate.ts';
import { postureServiceFor, type PostureService } from './posture-service.ts';
import type { StoredSpec } from './posture-repository.ts';
import type { RiskScore } from './risk-score.ts';

/** What every risk factor is described by, in lists and in breakdowns. */
export const RISK_FACTOR_PROPERTIES = Object.freeze({
  id: { type: 'string' },
  name: { type: 'string' },
  category: { type: 'string' },
  weight: { type: 'number' },
});

export function postureOf(deps: HttpDeps): Promise<PostureService> {
  return postureServiceFor(deps.store, deps.extra);
}

/** The geography lookup for a route that needs one: off by configuration is a 404, a database that would not open a 503. */
export async function geoOf(deps: HttpDeps): Promise<GeoLookup> {
  const service = await postureOf(deps);
  const geo = service.geo();
  if (geo) return geo;
  const reason = service.geoUnavailableReason();
  if (reason !== undefined) throw new PalisadeError(PostureErrors.GeoUnavailable, reason);
  throw new PalisadeError(PostureErrors.PostureNotFound, 'client geography is off (config posture.geo)');
}

export function actorName(request: FastifyRequest): string {
  return request.principal?.name ?? 'anonymous';
}

/**
 * The audit entry of a posture or alert change, written in the change's own transaction (the
 * service calls it with what the change produced: the stored spec, the new model version, the route).
 */
export function auditEntry<R = void>(
  deps: HttpDeps,
  request: FastifyRequest,
  action: AuditAction,
  describe: (result: R) => { target: string; details: object },
): InTransaction<R> {
  const p = request.principal;
  const actor = p ? { name: p.name, role: p.role } : { name: 'anonymous', role: 'none' };
  return async (tx, result) => {
    const { target, details } = describe(result);
    await deps.audit.record(tx, actor, action, target, details);
  };
}

export async function endpointOrThrow(store: Store, id: string): Promise<EndpointRecord> {
  const e = await store.endpoints.get(id);
  if (!e) throw new PalisadeError(Errors.EndpointNotFound, `no endpoint has id '${id}'`);
  return e;
}

/** The posture key (`GET host /path`) of a stored endpoint. */
export function postureKeyOf(e: EndpointRecord): string {
  return endpointKey({ host: e.host, method: e.method, path: e.pathTemplate });
}

export function endpointIdOf(host: string, method: string, path: string): string {
  return endpointIdFor({ host, method, pathTemplate: path });
}

export function specJson(s: StoredSpec, withSource = false): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    host: s.host,
    specVersion: s.specVersion,
    title: s.title,
    digest: s.digest,
    sizeBytes: s.sizeBytes,
    uploadedMs: s.uploadedMs,
    ...(withSource ? { source: s.source } : {}),
  };
}

export function violationJson(v: Violation): Record<string, unknown> {
  return {
    kind: v.kind,
    host: v.host,
    method: v.method,
    path: v.path,
    endpointPath: v.endpointPath,
    endpointId: endpointIdOf(v.host, v.method, v.endpointPath),
    detail: v.detail,
    subject: v.subject,
    count: v.count,
    firstSeenMs: v.firstSeen,
    lastSeenMs: v.lastSeen,
    ...(v.spec ? { spec: v.spec } : {}),
    ...(v.example ? { example: v.example } : {}),
  };
}

export function riskJson(r: RiskScore): Record<string, unknown> {
  return {
    score: r.score,
    modelVersion: r.modelVersion,
    factors: r.breakdown.map((c) => ({
      id: c.factor,
      name: c.name,
      category: c.category,
      weight: c.weight,
      value: c.value,
      points: c.points,
      evidence: c.evidence,
      custom: c.custom,
    })),
  };
}

export function endpointPostureJson(p: EndpointPosture): Record<string, unknown> {
  return {
    endpointId: endpointIdOf(p.host, p.method, p.path),
    host: p.host,
    method: p.method,
    path: p.path,
    classes: p.classes,
    violations: p.violations.map(violationJson),
    risk: riskJson(p.risk),
    findingTypes: p.findingTypes,
    authSchemes: p.authSchemes,
    lastSeenMs: p.lastSeen,
  };
}

/** The dashboard's PostureChange, plus everything the event holds. */
export function changeJson(e: PostureEvent): Record<string, unknown> {
  return {
    id: e.id,
    atMs: e.at,
    kind: e.kind,
    severity: e.severity,
    host: e.host,
    method: e.method,
    path: e.path,
    endpoint: `${e.method} ${e.host}${e.path}`,
    endpointId: endpointIdOf(e.host, e.method, e.path),
    summary: e.summary,
    dedupKey: e.dedupKey,
    resolves: e.resolves,
    data: e.data,
  };
}

/** `since`/`until` as epoch ms or an RFC 3339 date; a 400 naming the parameter otherwise. */
export function timeParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms))
    throw new PalisadeError(Errors.BadRequest, `${name} must be epoch milliseconds or an RFC 3339 date`, [
      { path: `$query.${name}`, message: 'must be epoch milliseconds or an RFC 3339 date' },
    ]);
  return ms;
}

/** An opaque offset cursor for lists computed in memory (violations, classes). */
export function offsetPage<T>(items: readonly T[], q: { limit?: number; cursor?: string }): { items: T[]; nextCursor: string } {
  let offset = 0;
  if (q.cursor) {
    const m = /^o(\d{1,9})$/.exec(q.cursor);
    if (!m)
      throw new PalisadeError(Errors.BadRequest, 'cursor is not one this API returned', [
        { path: '$query.cursor', message: 'is not valid' },
      ]);
    offset = Number(m[1]);
  }
  const limit = q.limit ?? 100;
  const page = items.slice(offset, offset + limit);
  return { items: page, nextCursor: offset + limit < items.length ? `o${offset + limit}` : '' };
}

/** Sends a generated document as JSON or YAML; `filename` makes browsers save it. */
export function sendDocument(
  reply: FastifyReply,
  doc: Record<string, unknown>,
  format: string | undefined,
  filename: string,
): FastifyReply {
  if (format === 'yaml')
    return reply
      .type('application/yaml; charset=utf-8')
      .header('content-disposition', `inline; filename="${filename}.yaml"`)
      .send(toYaml(doc, { aliasDuplicateObjects: false }));
  return reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', `inline; filename="${filename}.json"`)
    .send(JSON.stringify(doc));
}
