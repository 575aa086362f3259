// Posture tables on either database through the store's portable SqlClient (`?` placeholders):
// uploaded specs, endpoint owners/tags, risk model versions, posture events and the last snapshot.
import { createHash, randomUUID } from 'node:crypto';
import type { InTransaction, SqlClient } from '../store/sql-client.ts';
import type { PostureEvent, PostureEventKind, Severity } from './posture-changes.ts';
import { INITIAL_RISK_MODEL, type RiskModel } from './risk-model.ts';

export interface StoredSpec {
  id: string;
  name: string;
  /** Host the spec is for; '' = every host. */
  host: string;
  specVersion: string;
  title: string;
  source: string;
  digest: string;
  sizeBytes: number;
  uploadedMs: number;
}

export interface EndpointMeta {
  host: string;
  method: string;
  path: string;
  owner: string;
  tags: string[];
}

export interface EventFilter {
  kind?: PostureEventKind;
  severity?: Severity;
  host?: string;
  sinceMs?: number;
  untilMs?: number;
  limit?: number;
  /** `at_ms:id` of the last event of the previous page (newest first). */
  cursor?: string;
}

const n = (v: unknown): number => Number(v);

/** Rows per multi-row INSERT: one round trip per chunk (10,000 endpoints = 20 statements, not 10,000),
 * well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

async function insertMany(tx: SqlClient, head: string, width: number, rows: readonly unknown[][], tail = ''): Promise<void> {
  const one = `(${Array<string>(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    await tx.run(`${head} VALUES ${chunk.map(() => one).join(', ')} ${tail}`, chunk.flat());
  }
}

export class PostureRepository {
  constructor(private readonly sql: SqlClient) {}

  // --- specs ---------------------------------------------------------------------------------

  /** Stores an already validated spec; returns its id. */
  async putSpec(spec: Omit<StoredSpec, 'id' | 'digest' | 'sizeBytes'>, also?: InTransaction<StoredSpec>): Promise<StoredSpec> {
    const stored: StoredSpec = {
      ...spec,
      id: randomUUID(),
      digest: createHash('sha256').update(spec.source).digest('hex'),
      sizeBytes: Buffer.byteLength(spec.source),
    };
    await this.sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO posture_specs (id, name, host, spec_version, title, source, digest, size_bytes, uploaded_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          stored.id,
          stored.name,
          stored.host,
          stored.specVersion,
          stored.title,
          stored.source,
          stored.digest,
          stored.sizeBytes,
          stored.uploadedMs,
        ],
      );
      await also?.(tx, stored);
    });
    return stored;
  }

  async listSpecs(withSource = false): Promise<StoredSpec[]> {
    return this.selectSpecs(withSource, '', []);
  }

  async getSpec(id: string): Promise<StoredSpec | null> {
    return (await this.selectSpecs(true, 'WHERE id = ?', [id]))[0] ?? null;
  }

  private async selectSpecs(withSource: boolean, where: string, params: unknown[]): Promise<StoredSpec[]> {
    const rows = await this.sql.query(
      `SELECT id, name, host, spec_version, title, ${withSource ? 'source' : "'' AS source"}, digest, size_bytes, uploaded_ms FROM posture_specs ${where} ORDER BY uploaded_ms, id`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      host: String(r.host),
      specVersion: String(r.spec_version),
      title: String(r.title),
      source: String(r.source),
      digest: String(r.digest),
      sizeBytes: n(r.size_bytes),
      uploadedMs: n(r.uploaded_ms),
    }));
  }

  /** `also` runs only when a spec was deleted. */
  async deleteSpec(id: string, also?: InTransaction): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const gone = (await tx.run('DELETE FROM posture_specs WHERE id = ?', [id])).changes > 0;
      if (gone) await also?.(tx);
      return gone;
    });
  }

  // --- owners and tags -----------------------------------------------------------------------

  async setMeta(meta: EndpointMeta, nowMs: number, also?: InTransaction): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO posture_endpoint_meta (host, method, path, owner, tags, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, method, path) DO UPDATE SET owner = excluded.owner, tags = excluded.tags, updated_ms = excluded.updated_ms`,
        [meta.host, meta.method, meta.path, meta.owner, JSON.stringify(meta.tags), nowMs],
      );
      await also?.(tx);
    });
  }

  async listMeta(): Promise<EndpointMeta[]> {
    return this.selectMeta('', []);
  }

  async getMeta(host: string, method: string, path: string): Promise<EndpointMeta | null> {
    return (await this.selectMeta('WHERE host = ? AND method = ? AND path = ?', [host, method, path]))[0] ?? null;
  }

  private async selectMeta(where: string, params: unknown[]): Promise<EndpointMeta[]> {
    const rows = await this.sql.query(`SELECT host, method, path, owner, tags FROM posture_endpoint_meta ${where}`, params);
    return rows.map((r) => ({
      host: String(r.host),
      method: String(r.method),
      path: String(r.path),
      owner: String(r.owner),
      tags: JSON.parse(String(r.tags)) as string[],
    }));
  }

  // --- risk model ----------------------------------------------------------------------------

  async currentRiskModel(): Promise<RiskModel> {
    const rows = await this.sql.query('SELECT model FROM posture_risk_models ORDER BY version DESC LIMIT 1');
    return rows[0] ? (JSON.parse(String(rows[0].model)) as RiskModel) : INITIAL_RISK_MODEL;
  }

  async riskModelVersions(): Promise<{ version: number; createdMs: number; actor: string; model: RiskModel }[]> {
    const rows = await this.sql.query('SELECT version, model, created_ms, actor FROM posture_risk_models ORDER BY version DESC LIMIT 100');
    return rows.map((r) => ({
      version: n(r.version),
      createdMs: n(r.created_ms),
      actor: String(r.actor),
      model: JSON.parse(String(r.model)) as RiskModel,
    }));
  }

  /**
   * Saves `next` if the model in force is still `next.version - 1` (optimistic: two replicas
   * changing the model at once cannot both win). Returns false on a conflict.
   */
  async saveRiskModel(next: RiskModel, actor: string, also?: InTransaction<RiskModel>): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query('SELECT MAX(version) AS v FROM posture_risk_models');
      const current = rows[0]?.v === null || rows[0]?.v === undefined ? INITIAL_RISK_MODEL.version : n(rows[0].v);
      if (current !== next.version - 1) return false;
      await tx.run('INSERT INTO posture_risk_models (version, model, created_ms, actor) VALUES (?, ?, ?, ?)', [
        next.version,
        JSON.stringify(next),
        next.updatedAt,
        actor,
      ]);
      await also?.(tx, next);
      return true;
    });
  }

  // --- events --------------------------------------------------------------------------------

  async appendEvents(events: readonly PostureEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.sql.transaction((tx) =>
      insertMany(
        tx,
        'INSERT INTO posture_events (id, at_ms, kind, severity, host, method, path, summary, dedup_key, resolves, data)',
        11,
        events.map((e) => [
          e.id,
          e.at,
          e.kind,
          e.severity,
          e.host,
          e.method,
          e.path,
          e.summary,
          e.dedupKey,
          e.resolves ? 1 : 0,
          JSON.stringify(e.data),
        ]),
        'ON CONFLICT (id) DO NOTHING',
      ),
    );
  }

  /** Newest first, keyset-paginated. */
  async listEvents(f: EventFilter): Promise<{ items: PostureEvent[]; nextCursor: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const and = (clause: string, value: unknown): void => {
      where.push(clause);
      params.push(value);
    };
    if (f.kind) and('kind = ?', f.kind);
    if (f.severity) and('severity = ?', f.severity);
    if (f.host) and('host = ?', f.host);
    if (f.sinceMs !== undefined) and('at_ms >= ?', f.sinceMs);
    if (f.untilMs !== undefined) and('at_ms < ?', f.untilMs);
    if (f.cursor) {
      const m = /^(\d+):([0-9a-f]{1,64})$/.exec(f.cursor);
      if (!m) throw new RangeError('bad cursor');
      where.push('(at_ms < ? OR (at_ms = ? AND id < ?))');
      params.push(Number(m[1]), Number(m[1]), m[2]);
    }
    const limit = Math.min(Math.max(f.limit ?? 100, 1), 10_000);
    const rows = await this.sql.query(
      `SELECT id, at_ms, kind, severity, host, method, path, summary, dedup_key, resolves, data FROM posture_events
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at_ms DESC, id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: String(r.id),
      at: n(r.at_ms),
      kind: String(r.kind) as PostureEventKind,
      severity: String(r.severity) as Severity,
      host: String(r.host),
      method: String(r.method),
      path: String(r.path),
      summary: String(r.summary),
      dedupKey: String(r.dedup_key),
      resolves: n(r.resolves) === 1,
      data: JSON.parse(String(r.data)) as Record<string, unknown>,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? `${last.at}:${last.id}` : '' };
  }

  // --- snapshot ------------------------------------------------------------------------------

  async loadSnapshot(): Promise<Map<string, unknown>> {
    const rows = await this.sql.query('SELECT endpoint_key, state FROM posture_snapshot');
    return new Map(rows.map((r) => [String(r.endpoint_key), JSON.parse(String(r.state)) as unknown]));
  }

  async saveSnapshot(states: ReadonlyMap<string, unknown>, atMs: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('DELETE FROM posture_snapshot');
      await insertMany(
        tx,
        'INSERT INTO posture_snapshot (endpoint_key, state, at_ms)',
        3,
        [...states].map(([key, state]) => [key, JSON.stringify(state), atMs]),
      );
    });
  }
}
