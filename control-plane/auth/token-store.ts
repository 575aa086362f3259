// Bearer tokens, stored hashed. A token is `pal_` + 32 random bytes in base64url: high entropy, so
// SHA-256 without salt or stretching is enough and verification is one indexed lookup. Verified
// tokens are cached for `cacheTtlMs` (a revoke on this replica takes effect at once; on other
// replicas within the TTL).
import { createHash, randomBytes } from 'node:crypto';
import type { SqlClient } from '../store/sql-client.ts';
import type { Actor, AuditLog } from '../audit/audit-log.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../http/keyset-cursor.ts';
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import type { Principal, Role } from './roles.ts';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  gatewayId: string;
  createdAtMs: number;
  createdBy: string;
  revokedAtMs: number;
}

export interface NewToken {
  name: string;
  role: Role;
  gatewayId?: string;
}

const TOKEN_PREFIX = 'pal_';
const CACHE_MAX = 10_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

function recordOf(r: Record<string, unknown>): TokenRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    role: String(r.role) as Role,
    gatewayId: String(r.gateway_id),
    createdAtMs: Number(r.created_at_ms),
    createdBy: String(r.created_by),
    revokedAtMs: Number(r.revoked_at_ms),
  };
}

export class TokenStore {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly sql: SqlClient,
    private readonly audit: AuditLog,
    private readonly cacheTtlMs = 5000,
  ) {}

  /** Creates a token and returns it in clear text (the only time it exists in clear). */
  async create(actor: Actor, spec: NewToken, nowMs = Date.now()): Promise<{ token: string; record: TokenRecord }> {
    const token = generateToken();
    const record = await this.insert(actor, spec, token, nowMs);
    return { token, record };
  }

  /** Makes sure a token given in configuration exists (by hash); idempotent across restarts. */
  async ensure(actor: Actor, spec: NewToken & { token: string }, nowMs = Date.now()): Promise<TokenRecord> {
    const rows = await this.sql.query('SELECT * FROM api_tokens WHERE token_hash = ?', [hashToken(spec.token)]);
    if (rows[0]) return recordOf(rows[0]);
    return this.insert(actor, spec, spec.token, nowMs);
  }

  private async insert(actor: Actor, spec: NewToken, token: string, nowMs: number): Promise<TokenRecord> {
    const record: TokenRecord = {
      id: 'tok_' + randomBytes(8).toString('hex'),
      name: spec.name,
      role: spec.role,
      gatewayId: spec.role === 'gateway' ? (spec.gatewayId ?? '') : '',
      createdAtMs: nowMs,
      createdBy: actor.name,
      revokedAtMs: 0,
    };
    await this.sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO api_tokens (id, name, role, gateway_id, token_hash, created_at_ms, created_by, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
        [record.id, record.name, record.role, record.gatewayId, hashToken(token), nowMs, actor.name],
      );
      await this.audit.record(
        tx,
        actor,
        'token.create',
        `tokens/${record.id}`,
        { name: record.name, role: record.role, gatewayId: record.gatewayId },
        nowMs,
      );
    });
    return record;
  }

  /** The principal of a valid, unrevoked token; null otherwise. */
  async authenticate(token: string | undefined, nowMs = Date.now()): Promise<Principal | null> {
    if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 512) return null;
    const hash = hashToken(token);
    const hit = this.cache.get(hash);
    if (hit && hit.until > nowMs) return hit.principal;
    const rows = await this.sql.query('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at_ms = 0', [hash]);
    if (!rows[0]) {
      this.cache.delete(hash);
      return null;
    }
    const r = recordOf(rows[0]);
    const principal: Principal = { tokenId: r.id, name: r.name, role: r.role, gatewayId: r.gatewayId };
    if (this.cacheTtlMs > 0) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(hash, { principal, until: nowMs + this.cacheTtlMs });
    }
    return principal;
  }

  /** For the gRPC server: the gateway id a gateway token speaks for, or null (UNAUTHENTICATED). */
  async authenticateGateway(token: string | undefined): Promise<{ gatewayId: string; tokenId: string; name: string } | null> {
    const p = await this.authenticate(token);
    if (!p || p.role !== 'gateway' || !p.gatewayId) return null;
    return { gatewayId: p.gatewayId, tokenId: p.tokenId, name: p.name };
  }

  async get(id: string): Promise<TokenRecord | null> {
    const rows = await this.sql.query('SELECT * FROM api_tokens WHERE id = ?', [id]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  async revoke(actor: Actor, id: string, nowMs = Date.now()): Promise<TokenRecord> {
    const record = await this.sql.transaction(async (tx) => {
      const rows = await tx.query('SELECT * FROM api_tokens WHERE id = ?', [id]);
      if (!rows[0]) throw new PalisadeError(Errors.TokenNotFound, `no token has id '${id}'`);
      const r = recordOf(rows[0]);
      if (r.revokedAtMs === 0) {
        await tx.run('UPDATE api_tokens SET revoked_at_ms = ? WHERE id = ?', [nowMs, id]);
        await this.audit.record(tx, actor, 'token.revoke', `tokens/${id}`, { name: r.name, role: r.role, gatewayId: r.gatewayId }, nowMs);
        r.revokedAtMs = nowMs;
      }
      return r;
    });
    this.cache.clear();
    return record;
  }

  /** Revokes every token of a gateway; returns how many were active. */
  async revokeGateway(actor: Actor, gatewayId: string, nowMs = Date.now()): Promise<number> {
    const n = await this.sql.transaction(async (tx) => {
      const { changes } = await tx.run(
        "UPDATE api_tokens SET revoked_at_ms = ? WHERE role = 'gateway' AND gateway_id = ? AND revoked_at_ms = 0",
        [nowMs, gatewayId],
      );
      await this.audit.record(tx, actor, 'gateway.revoke', `gateways/${gatewayId}`, { tokensRevoked: changes }, nowMs);
      return changes;
    });
    this.cache.clear();
    return n;
  }

  /** Gateways (of `ids`) that have tokens and none of them active. */
  async revokedGateways(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.query<{ gateway_id: string; active: number }>(
      `SELECT gateway_id, SUM(CASE WHEN revoked_at_ms = 0 THEN 1 ELSE 0 END) AS active FROM api_tokens WHERE role = 'gateway' AND gateway_id IN (${ids.map(() => '?').join(', ')}) GROUP BY gateway_id`,
      ids,
    );
    return new Set(rows.filter((r) => Number(r.active) === 0).map((r) => r.gateway_id));
  }

  /** Newest first. */
  async list(q: { limit?: number; cursor?: string; includeRevoked?: boolean }): Promise<{ items: TokenRecord[]; nextCursor: string }> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor<string>(q.cursor, 'string');
    const where: string[] = [];
    const params: unknown[] = [];
    if (after !== undefined) {
      where.push('id > ?');
      params.push(after);
    }
    if (!q.includeRevoked) where.push('revoked_at_ms = 0');
    const rows = await this.sql.query(
      `SELECT * FROM api_tokens ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map(recordOf);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : '' };
  }
}
