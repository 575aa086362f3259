// /v1/audit: who changed what, when (newest first).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import type { AuditRecord } from '../../audit/audit-log.ts';
import { ref } from '../route-config.ts';
import { pageOf, pageQuery } from '../api-schemas.ts';

export function auditJson(a: AuditRecord): Record<string, unknown> {
  return { ...a, id: String(a.id), atMs: String(a.atMs) };
}

export default function auditRoutes(app: FastifyInstance, { audit }: HttpDeps): void {
  app.get(
    '/v1/audit',
    {
      config: { auth: ['operator'], docs: { description: 'Audit entries, newest first.', schema: pageOf(ref('AuditEntry')) } },
      schema: {
        summary: 'Read the audit log',
        tags: ['audit'],
        querystring: pageQuery({ action: { type: 'string', maxLength: 64 }, actor: { type: 'string', maxLength: 100 } }),
      },
    },
    async (request) => {
      const page = await audit.list(request.query as { limit?: number; cursor?: string; action?: string; actor?: string });
      return { items: page.items.map(auditJson), nextCursor: page.nextCursor };
    },
  );
}
