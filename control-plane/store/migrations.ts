// Versioned migrations discovered from every module, so a module adds tables without editing the
// store: control-plane/<module>/migrations/<dialect>/NNNN-<description>.sql. Each module's files
// are applied in version order, each in its own transaction, and recorded in
// schema_migrations(module, version). Replicas starting together on one PostgreSQL serialise on an
// advisory lock, so a migration runs once.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { StoreError } from './store-error.ts';
import type { AppliedMigration, Dialect } from './types.ts';

/** control-plane/: every direct sub-folder is a module that may hold migrations. */
export const CONTROL_PLANE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface MigrationFile {
  module: string;
  version: number;
  name: string;
  path: string;
}

const FILE_RE = /^(\d{4})-([a-z0-9][a-z0-9-]*)\.sql$/;

/**
 * Lists migrations for `dialect` under each root's modules, ordered by module then version. The
 * `store` module goes first because other modules' tables may reference its tables.
 */
export function discoverMigrations(dialect: Dialect, roots: readonly string[] = [CONTROL_PLANE_ROOT]): MigrationFile[] {
  const out: MigrationFile[] = [];
  for (const root of roots) {
    for (const module of readdirSync(root)) {
      const dir = join(root, module, 'migrations', dialect);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      const seen = new Map<number, string>();
      for (const file of readdirSync(dir)) {
        if (!file.endsWith('.sql')) continue;
        const m = FILE_RE.exec(file);
        if (!m) {
          throw new StoreError('STORE_MIGRATION_INVALID', `${module}/${file}: name must be NNNN-<description>.sql (lower case)`);
        }
        const version = Number(m[1]);
        if (version === 0) throw new StoreError('STORE_MIGRATION_INVALID', `${module}/${file}: versions start at 0001`);
        const prior = seen.get(version);
        if (prior) throw new StoreError('STORE_MIGRATION_INVALID', `${module}: ${prior} and ${file} share version ${version}`);
        seen.set(version, file);
        out.push({ module, version, name: file, path: join(dir, file) });
      }
    }
  }
  const rank = (m: string) => (m === 'store' ? '' : m);
  return out.sort((a, b) => rank(a.module).localeCompare(rank(b.module)) || a.version - b.version);
}

const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  module TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_ms BIGINT NOT NULL,
  PRIMARY KEY (module, version)
)`;

function pending(files: MigrationFile[], done: Set<string>): MigrationFile[] {
  return files.filter((f) => !done.has(`${f.module}/${f.version}`));
}

function failed(f: MigrationFile, dialect: Dialect, err: unknown): StoreError {
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError('STORE_MIGRATION_FAILED', `${f.module}/${f.name} (${dialect}) failed: ${detail}`, { cause: err });
}

export function migrateSqlite(db: Database.Database, files: MigrationFile[]): AppliedMigration[] {
  db.exec(LEDGER_SQL);
  const rows = db.prepare('SELECT module, version FROM schema_migrations').all() as { module: string; version: number }[];
  const done = new Set(rows.map((r) => `${r.module}/${r.version}`));
  const applied: AppliedMigration[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (module, version, name, applied_ms) VALUES (?, ?, ?, ?)');
  for (const f of pending(files, done)) {
    const sql = readFileSync(f.path, 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        record.run(f.module, f.version, f.name, Date.now());
      }).immediate();
    } catch (err) {
      throw failed(f, 'sqlite', err);
    }
    applied.push({ module: f.module, version: f.version, name: f.name });
  }
  return applied;
}

export async function migratePostgres(pool: pg.Pool, schema: string, files: MigrationFile[]): Promise<AppliedMigration[]> {
  const conn = await pool.connect();
  const applied: AppliedMigration[] = [];
  try {
    // One lock per schema: replicas (or test runs in other schemas) never block each other.
    await conn.query('SELECT pg_advisory_lock(hashtext($1))', [`palisade-migrate:${schema}`]);
    try {
      await conn.query(LEDGER_SQL);
      const { rows } = await conn.query<{ module: string; version: number }>('SELECT module, version FROM schema_migrations');
      const done = new Set(rows.map((r) => `${r.module}/${r.version}`));
      for (const f of pending(files, done)) {
        const sql = readFileSync(f.path, 'utf8');
        try {
          await conn.query('BEGIN');
          await conn.query(sql);
          await conn.query('INSERT INTO schema_migrations (module, version, name, applied_ms) VALUES ($1, $2, $3, $4)', [
            f.module,
            f.version,
            f.name,
            Date.now(),
          ]);
          await conn.query('COMMIT');
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw failed(f, 'postgres', err);
        }
        applied.push({ module: f.module, version: f.version, name: f.name });
      }
    } finally {
      await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [`palisade-migrate:${schema}`]).catch(() => undefined);
    }
  } finally {
    conn.release();
  }
  return applied;
}
