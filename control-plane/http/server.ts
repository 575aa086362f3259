// The REST API server (fastify 5). Cross-cutting behaviour lives here once: request ids, bearer
// auth by route declaration, problem documents for every error, the OpenAPI collector. Routes are
// plugins in http/routes/<area>.ts, discovered at start so other parts add areas (posture, specs,
// alerts) without editing this file.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import { allows, type Role } from '../auth/roles.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RulesService } from '../rules/rules-service.ts';
import type { PushHub } from '../rules/push-hub.ts';
import type { Store } from '../store/types.ts';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { classify, sendProblem } from './problem-reply.ts';
import { collectRoutes, type CollectedRoute } from './openapi.ts';
import { labelled } from './prometheus-text.ts';
import './route-config.ts';

/** What route plugins get: the services of the control plane. */
export interface HttpDeps {
  store: Store;
  rules: RulesService;
  hub?: PushHub;
  tokens: TokenStore;
  audit: AuditLog;
  /** The data path's ingest (POST /v1/reports); absent = 503. */
  ingestBatch?: (gatewayId: string, batch: ReportBatch) => Promise<{ status: string; accepted: number; message: string }>;
  /** Anything other parts wire in for their own routes (posture, alerts, ...). */
  extra?: Record<string, unknown>;
  /** Counters and gauges of the other parts (gRPC, ingest, inventory) for GET /metrics; the
   * server adds its own `http_problems_total{code}` before routes see it. */
  metrics?: () => Record<string, number>;
}

/** A route module: `export default` one of these from http/routes/<area>.ts. */
export type RoutePlugin = (app: FastifyInstance, deps: HttpDeps) => void | Promise<void>;

export interface HttpServerOptions {
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** Route modules; default: every module in http/routes/. */
  routes?: RoutePlugin[];
}

export const ROUTES_DIR = fileURLToPath(new URL('./routes/', import.meta.url));

/** Every `http/routes/*.ts` module's default export, in file-name order. */
export async function discoverRoutes(dir = ROUTES_DIR): Promise<RoutePlugin[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
  const out: RoutePlugin[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: RoutePlugin };
    if (typeof mod.default !== 'function') throw new Error(`http/routes/${f} must export default a route plugin (app, deps) => void`);
    out.push(mod.default);
  }
  return out;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export async function createHttpServer(
  deps: HttpDeps,
  opts: HttpServerOptions,
): Promise<{ app: FastifyInstance; routes: CollectedRoute[] }> {
  const app = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    trustProxy: opts.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Unknown fields are errors (a misspelt `ratelimit` must not vanish); query strings coerce.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
    return503OnClosing: true,
  });
  // JSON only: a text/plain body would otherwise reach the schema as a string.
  app.removeContentTypeParser('text/plain');
  // An API route that does not say who may call it would be public and missing from the OpenAPI
  // document (both read `config.auth`): refuse it when it is registered, so it fails at start.
  app.addHook('onRoute', (r) => {
    const url = r.url ?? '';
    if ((url === '/v1' || url.startsWith('/v1/')) && (r.config as { auth?: unknown } | undefined)?.auth === undefined) {
      throw new Error(`route ${[r.method].flat().join(',')} ${url} must declare config.auth (roles, or 'public')`);
    }
  });
  const routes = collectRoutes(app);
  // Route plugins are encapsulated; the OpenAPI route reads the root's collection through this.
  app.decorate('palisadeRoutes', routes);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-request-id', request.id);
    const auth = request.routeOptions.config?.auth;
    if (auth === 'public') return;
    // Routes without a declaration (404s, static files) need nothing; a declared route always
    // says who may call it.
    if (auth === undefined) return;
    const principal = await deps.tokens.authenticate(bearer(request));
    if (!principal) throw new PalisadeError(Errors.Unauthenticated, 'missing, unknown or revoked bearer token');
    if (!auth.some((r: Role) => allows(principal, r))) {
      throw new PalisadeError(Errors.Forbidden, `this operation needs role ${auth.join(' or ')}; the token has role ${principal.role}`);
    }
    request.principal = principal;
  });

  // Every problem answered, by code: bad input of each kind is counted, not only logged.
  const problems = new Map<string, number>();
  const answer = (request: FastifyRequest, reply: FastifyReply, error: PalisadeError) => {
    problems.set(error.definition.code, (problems.get(error.definition.code) ?? 0) + 1);
    return sendProblem(request, reply, error);
  };

  app.setErrorHandler((err, request, reply) => {
    const known = classify(err);
    if (known) {
      if (known.definition.http >= 500) request.log.error({ err }, 'request failed');
      return answer(request, reply, known);
    }
    request.log.error({ err }, 'unexpected error');
    return answer(request, reply, new PalisadeError(Errors.Internal, 'the control plane failed to handle this request; see its log'));
  });

  app.setNotFoundHandler((request, reply) =>
    answer(request, reply, new PalisadeError(Errors.NotFound, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  const metrics = () => {
    const out: Record<string, number> = { ...(deps.metrics?.() ?? {}) };
    for (const [code, n] of problems) out[labelled('http_problems_total', { code })] = n;
    return out;
  };
  for (const plugin of opts.routes ?? (await discoverRoutes())) {
    await app.register(async (scope) => plugin(scope, { ...deps, metrics }));
  }
  return { app, routes };
}
