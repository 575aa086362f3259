// Repository of published rule versions (table rule_versions). Rows are never updated: a version
// is immutable once published; rollback inserts a new row.
import type { SqlClient } from '../store/sql-client.ts';
import type { RuleSource } from '../../proto/gen/palisade/v1/RuleSource.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../http/keyset-cursor.ts';

/** admin.proto RuleVersion with numbers for versions and times. */
export interface RuleVersionRecord {
  version: number;
  publishedAtMs: number;
  publishedBy: string;
  comment: string;
  source: RuleSource;
  rolledBackFrom: number;
  digest: string;
}

export interface StoredRuleVersion extends RuleVersionRecord {
  /** Protobuf RuleSet as published. */
  compiled: Buffer;
}

const SUMMARY_COLUMNS = 'version, published_at_ms, published_by, comment, source, rolled_back_from, digest';

function recordOf(r: Record<string, unknown>): RuleVersionRecord {
  return {
    version: Number(r.version),
    publishedAtMs: Number(r.published_at_ms),
    publishedBy: String(r.published_by),
    comment: String(r.comment),
    source: JSON.parse(String(r.source)) as RuleSource,
    rolledBackFrom: Number(r.rolled_back_from),
    digest: String(r.digest),
  };
}

function storedOf(r: Record<string, unknown>): StoredRuleVersion {
  const c = r.compiled as Uint8Array;
  return { ...recordOf(r), compiled: Buffer.isBuffer(c) ? c : Buffer.from(c) };
}

export class RuleVersionStore {
  constructor(readonly sql: SqlClient) {}

  async latestVersion(tx: SqlClient = this.sql): Promise<number> {
    const rows = await tx.query<{ v: unknown }>('SELECT MAX(version) AS v FROM rule_versions');
    return Number(rows[0]?.v ?? 0);
  }

  async latest(): Promise<StoredRuleVersion | null> {
    const rows = await this.sql.query(`SELECT ${SUMMARY_COLUMNS}, compiled FROM rule_versions ORDER BY version DESC LIMIT 1`);
    return rows[0] ? storedOf(rows[0]) : null;
  }

  async get(version: number): Promise<StoredRuleVersion | null> {
    const rows = await this.sql.query(`SELECT ${SUMMARY_COLUMNS}, compiled FROM rule_versions WHERE version = ?`, [version]);
    return rows[0] ? storedOf(rows[0]) : null;
  }

  async insert(tx: SqlClient, v: StoredRuleVersion): Promise<void> {
    await tx.run(
      'INSERT INTO rule_versions (version, published_at_ms, published_by, comment, source, rolled_back_from, digest, compiled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [v.version, v.publishedAtMs, v.publishedBy, v.comment, JSON.stringify(v.source), v.rolledBackFrom, v.digest, v.compiled],
    );
  }

  /** Newest first, without the compiled bytes. */
  async list(q: { limit?: number; cursor?: string }): Promise<{ items: RuleVersionRecord[]; nextCursor: string }> {
    const limit = pageLimit(q.limit);
    const before = decodeCursor<number>(q.cursor, 'number');
    const rows =
      before === undefined
        ? await this.sql.query(`SELECT ${SUMMARY_COLUMNS} FROM rule_versions ORDER BY version DESC LIMIT ?`, [limit + 1])
        : await this.sql.query(`SELECT ${SUMMARY_COLUMNS} FROM rule_versions WHERE version < ? ORDER BY version DESC LIMIT ?`, [
            before,
            limit + 1,
          ]);
    const items = rows.slice(0, limit).map(recordOf);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.version) : '' };
  }
}
