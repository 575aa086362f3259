// The audit log: who changed what, when. Writers pass the transaction of the change so a change
// and its audit entry commit (or roll back) together.
import type { SqlClient } from '../store/sql-client.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../http/keyset-cursor.ts';

/** Who acts: a token's name and role (`system` for changes made by the control plane itself). */
export interface Actor {
  name: string;
  role: string;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ name: 'system', role: 'admin' });

/** admin.proto AuditEntry, with numbers for ids and times. */
export interface AuditRecord {
  id: number;
  atMs: number;
  actor: string;
  role: string;
  action: string;
  target: string;
  details: string;
}

/** Every action the log records, declared once (docs/api.md lists the same names). */
export const AUDIT_ACTIONS = [
  'rules.publish',
  'rules.rollback',
  'token.create',
  'token.revoke',
  'gateway.revoke',
  'spec.upload',
  'spec.delete',
  'endpoint.update',
  'risk.change',
  'alert-route.create',
  'alert-route.update',
  'alert-route.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditQuery {
  limit?: number;
  cursor?: string;
  action?: string;
  actor?: string;
}

export class AuditLog {
  constructor(private readonly sql: SqlClient) {}

  async record(tx: SqlClient, actor: Actor, action: AuditAction, target: string, details: object, nowMs = Date.now()): Promise<void> {
    await tx.run('INSERT INTO audit_log (at_ms, actor, role, action, target, details) VALUES (?, ?, ?, ?, ?, ?)', [
      nowMs,
      actor.name,
      actor.role,
      action,
      target,
      JSON.stringify(details),
    ]);
  }

  /** Newest first. */
  async list(q: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor: string }> {
    const limit = pageLimit(q.limit);
    const before = decodeCursor<number>(q.cursor, 'number');
    const where: string[] = [];
    const params: unknown[] = [];
    if (before !== undefined) {
      where.push('id < ?');
      params.push(before);
    }
    if (q.action) {
      where.push('action = ?');
      params.push(q.action);
    }
    if (q.actor) {
      where.push('actor = ?');
      params.push(q.actor);
    }
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT id, at_ms, actor, role, action, target, details FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      atMs: Number(r.at_ms),
      actor: String(r.actor),
      role: String(r.role),
      action: String(r.action),
      target: String(r.target),
      details: String(r.details),
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : '' };
  }
}
