// One small async query interface over both databases, so repositories that are not on the hot
// path are written once. SQL uses `?` placeholders; the PostgreSQL client rewrites them to `$n`.
// Statements must not contain a literal `?` (none of ours do).
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { Dialect } from './types.ts';

export type Row = Record<string, unknown>;

export interface SqlClient {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; `changes` is the number of rows it wrote. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/**
 * More writes to commit with a change, in its transaction, given what the change produced: the
 * audit entry of an API change, so a change is never stored without its entry (nor the entry without
 * the change).
 */
export type InTransaction<R = void> = (tx: SqlClient, result: R) => Promise<void>;

/** `?` → `$1, $2…` for pg. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * SQLite: better-sqlite3 is synchronous, so statements never interleave; transactions are
 * serialised with a promise chain because `fn` may await between statements and any write issued
 * meanwhile by another caller would otherwise join the open transaction.
 */
export class SqliteClient implements SqlClient {
  readonly dialect = 'sqlite' as const;
  private readonly cache = new Map<string, Database.Statement>();
  private tail: Promise<unknown> = Promise.resolve();
  private inTx = false;

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, st);
    }
    return st;
  }

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.statement(sql).all(...params.map(toSqliteValue)) as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number }> {
    const st = this.statement(sql);
    if (!st.reader) return { changes: st.run(...params.map(toSqliteValue)).changes };
    st.all(...params.map(toSqliteValue));
    return { changes: 0 };
  }

  /** Serialises `fn` after every earlier exclusive section (transactions and sync writers). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      this.inTx = true;
      try {
        const out = await fn(this);
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      } finally {
        this.inTx = false;
      }
    });
  }
}

function toSqliteValue(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

/** PostgreSQL over a pool; a transaction pins one connection. */
export class PgClient implements SqlClient {
  readonly dialect = 'postgres' as const;
  constructor(
    readonly pool: pg.Pool,
    private readonly conn?: pg.PoolClient,
  ) {}

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const res = await (this.conn ?? this.pool).query(toPgPlaceholders(sql), params as unknown[]);
    return res.rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number }> {
    const res = await (this.conn ?? this.pool).query(toPgPlaceholders(sql), params as unknown[]);
    return { changes: res.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.conn) return fn(this);
    const conn = await this.pool.connect();
    try {
      await conn.query('BEGIN');
      const out = await fn(new PgClient(this.pool, conn));
      await conn.query('COMMIT');
      return out;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }
}
