// The dashboard at `/`: the built single-page app (control-plane/dashboard/dist, or
// http.dashboardDir) with index.html for client-side routes. No token is needed to load the app —
// it holds no data; every call it makes goes to /v1 with the user's token. Paths under /v1 and
// /healthz stay the API's, so an unknown API path is still a problem document.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { staticSite } from '../static-files.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/** Content-Security-Policy of the app: its own scripts and styles, API calls to its own origin only. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export default function dashboardFileRoutes(app: FastifyInstance, { extra }: HttpDeps): void {
  const dir = typeof extra?.dashboardDir === 'string' && extra.dashboardDir ? extra.dashboardDir : DEFAULT_DASHBOARD_DIR;
  const site = staticSite(dir);
  if (!site) {
    app.log.info({ dir }, 'no built dashboard: serving the API only');
    return;
  }
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/v1/') || path === '/v1' || path === '/healthz') {
      throw new PalisadeError(Errors.NotFound, `no route ${request.method} ${path}`);
    }
    const found = site.lookup(path);
    if (found.kind === 'bad-path') throw new PalisadeError(Errors.BadRequest, 'the path is not a valid file path');
    if (found.kind === 'missing') throw new PalisadeError(Errors.NotFound, `no file ${path}`);
    const f = found.file;
    reply
      .header('content-type', f.contentType)
      .header('content-length', f.size)
      .header('cache-control', f.cacheControl)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (f.contentType.startsWith('text/html')) reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
    if (request.method === 'HEAD') return reply.send();
    return reply.send(f.open());
  };
  app.get('/', serve);
  app.get('/*', serve);
}
