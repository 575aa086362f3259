// For tests of any module that touches the store: one call gives a fresh store of each dialect —
// SQLite in a temporary directory, PostgreSQL (127.0.0.1:5432, database `test`) in a schema of its
// own that is dropped afterwards. PostgreSQL is skipped with a reason when unreachable outside CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { needService } from '../../test/lib/tools.ts';
import { openStore, type StoreConfig } from './database.ts';
import type { Store } from './types.ts';

export const TEST_PG_URL = process.env.PALISADE_TEST_PG_URL ?? `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;

export interface StoreTarget {
  dialect: 'sqlite' | 'postgres';
  /** Skip reason when this dialect cannot run here. */
  skip: string | undefined;
  /** Opens a new, empty store (another call with the same `shared` name opens the same database: a second replica). */
  open(options?: { shared?: string; config?: Partial<StoreConfig> }): Promise<Store>;
  /** Removes every database this target created. */
  cleanup(): Promise<void>;
}

async function pgReachable(): Promise<string | undefined> {
  const skip = await needService('PostgreSQL', '127.0.0.1', 5432);
  if (skip) return skip;
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await c.connect();
    await c.end();
    return undefined;
  } catch (err) {
    const reason = `PostgreSQL at ${TEST_PG_URL} refused the connection: ${(err as Error).message}`;
    if (process.env.CI === 'true') throw new Error(reason, { cause: err });
    return reason;
  }
}

export async function storeTargets(): Promise<StoreTarget[]> {
  const dirs = new Map<string, string>();
  const schemas = new Map<string, string>();
  const opened: Store[] = [];
  const sqlite: StoreTarget = {
    dialect: 'sqlite',
    skip: undefined,
    async open(o = {}) {
      const name = o.shared ?? randomBytes(4).toString('hex');
      let dir = dirs.get(name);
      if (!dir) dirs.set(name, (dir = mkdtempSync(join(tmpdir(), 'palisade-store-'))));
      const s = await openStore({ kind: 'sqlite', dataDir: dir, ...(o.config as object) } as StoreConfig);
      opened.push(s);
      return s;
    },
    async cleanup() {
      for (const s of opened.splice(0)) await s.close().catch(() => undefined);
      for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
      dirs.clear();
    },
  };
  const pgOpened: Store[] = [];
  const postgres: StoreTarget = {
    dialect: 'postgres',
    skip: await pgReachable(),
    async open(o = {}) {
      const name = o.shared ?? randomBytes(4).toString('hex');
      let schema = schemas.get(name);
      if (!schema) schemas.set(name, (schema = `t_${process.pid}_${randomBytes(5).toString('hex')}`));
      const s = await openStore({ kind: 'postgres', url: TEST_PG_URL, schema, poolSize: 4, ...(o.config as object) } as StoreConfig);
      pgOpened.push(s);
      return s;
    },
    async cleanup() {
      for (const s of pgOpened.splice(0)) await s.close().catch(() => undefined);
      if (schemas.size === 0) return;
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      for (const schema of schemas.values()) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
      schemas.clear();
    },
  };
  return [sqlite, postgres];
}
