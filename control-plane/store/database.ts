// Opens the store: SQLite (embedded default, one file under the data dir) or PostgreSQL (several
// replicas). Applies every module's migrations before returning, so a store that opened is a
// store whose schema is current; a failed migration is a startup error naming the file.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { discoverMigrations, migratePostgres, migrateSqlite } from './migrations.ts';
import { PgClient, SqliteClient, type SqlClient } from './sql-client.ts';
import { StoreError } from './store-error.ts';
import { createRepositories } from './repositories.ts';
import { OffThreadSqliteIngestRepository } from './sqlite-ingest-offthread.ts';
import { SqliteIngestRepository } from './sqlite-ingest.ts';
import { PostgresIngestRepository } from './postgres-ingest.ts';
import { DEFAULT_RETENTION, type AppliedMigration, type RetentionSettings, type Store } from './types.ts';

export interface SqliteStoreConfig {
  kind: 'sqlite';
  /** Directory holding `palisade.db` (created if missing). `:memory:` opens a private in-memory store. */
  dataDir: string;
  retention?: Partial<RetentionSettings>;
  /** Folders whose `<module>/migrations/<dialect>/` hold migrations; default control-plane/. */
  migrationRoots?: string[];
  /** Ingest commits on a worker thread with its own connection (default true; file stores only). */
  ingestThread?: boolean;
  /**
   * `full` (default): every commit is fsynced, so an acked batch survives a power loss or OS crash.
   * `normal`: survives the process being killed, not a power loss (the WAL is fsynced at
   * checkpoints only); one fsync less per commit.
   */
  synchronous?: SqliteSynchronous;
}

export type SqliteSynchronous = 'full' | 'normal';

export interface PostgresStoreConfig {
  kind: 'postgres';
  /** `postgres://user@host:port/db` */
  url: string;
  /** Schema for every table (created if missing); default `public`. Tests use one per run. */
  schema?: string;
  /** Pool size (default 10). */
  poolSize?: number;
  retention?: Partial<RetentionSettings>;
  migrationRoots?: string[];
}

export type StoreConfig = SqliteStoreConfig | PostgresStoreConfig;

export const SQLITE_FILE = 'palisade.db';
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
/** WAL pages after which the writer checkpoints by itself (the background thread normally has). */
const WRITER_CHECKPOINT_PAGES = 16_384;
const CHECKPOINT_INTERVAL_MS = 100;
/** Per-connection settings, on the main connection and on the ingest thread's. */
const connectionPragmas = (sync: SqliteSynchronous) => [`synchronous = ${sync.toUpperCase()}`, 'busy_timeout = 5000', 'foreign_keys = ON'];
// Checkpoints run on a background thread (sqlite-checkpointer.mjs); a writer checkpoints by itself
// only if that one falls far behind (64 MiB of WAL instead of SQLite's 4 MiB). The ingest thread's
// connection gets the main connection's pragmas and this one.
const WRITER_CHECKPOINT_PRAGMA = `wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`;

interface Checkpointer {
  worker: Worker;
  exited: Promise<void>;
}

function startCheckpointer(file: string): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpointer.mjs', import.meta.url), {
    workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A failed checkpointer only means the writer checkpoints by itself again.
  worker.on('error', () => undefined);
  worker.unref();
  return { worker, exited };
}

async function stopCheckpointer(c: Checkpointer | undefined): Promise<void> {
  if (!c) return;
  c.worker.postMessage('close');
  // It closes its connection and exits; one that does not answer in time is terminated.
  const timer = setTimeout(() => void c.worker.terminate(), 2_000);
  await c.exited;
  clearTimeout(timer);
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const retention = { ...DEFAULT_RETENTION, ...(config.retention ?? {}) };
  for (const [k, v] of Object.entries(retention)) {
    if (!Number.isFinite(v) || v <= 0) throw new StoreError('STORE_CONFIG_INVALID', `retention.${k} must be a positive number of ms`);
  }
  if (config.kind === 'sqlite') return openSqlite(config, retention);
  if (config.kind === 'postgres') return openPostgres(config, retention);
  throw new StoreError('STORE_CONFIG_INVALID', `kind must be "sqlite" or "postgres"`);
}

async function openSqlite(config: SqliteStoreConfig, retention: RetentionSettings): Promise<Store> {
  if (!config.dataDir) throw new StoreError('STORE_CONFIG_INVALID', 'dataDir is required for the sqlite store');
  let db: Database.Database;
  let checkpointer: Checkpointer | undefined;
  let file = ':memory:';
  const pragmas = connectionPragmas(config.synchronous ?? 'full');
  try {
    if (config.dataDir !== ':memory:') {
      mkdirSync(config.dataDir, { recursive: true });
      file = join(config.dataDir, SQLITE_FILE);
    }
    db = new Database(file);
    // WAL: readers never block the writer. FULL sync (the default) fsyncs the WAL at each commit,
    // so a batch acked after its commit is durable across power loss too (~0.1 ms per commit here).
    db.pragma('journal_mode = WAL');
    for (const p of pragmas) db.pragma(p);
    if (file !== ':memory:') {
      db.pragma(WRITER_CHECKPOINT_PRAGMA);
      checkpointer = startCheckpointer(file);
    }
  } catch (err) {
    throw new StoreError('STORE_OPEN_FAILED', `cannot open SQLite store in ${config.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let migrations: AppliedMigration[];
  try {
    migrations = migrateSqlite(db, discoverMigrations('sqlite', config.migrationRoots));
  } catch (err) {
    await stopCheckpointer(checkpointer);
    db.close();
    throw err;
  }
  const client = new SqliteClient(db);
  // A file store writes ingest groups on a thread of their own (sqlite-ingest-offthread.ts); an
  // in-memory database cannot be shared with another connection, so it writes in this thread.
  const offThread = file !== ':memory:' && config.ingestThread !== false;
  const ingest = offThread
    ? new OffThreadSqliteIngestRepository(client, { file, pragmas: [...pragmas, WRITER_CHECKPOINT_PRAGMA] })
    : new SqliteIngestRepository(client);
  return assemble({
    dialect: 'sqlite',
    sqlite: db,
    pg: undefined,
    schema: undefined,
    sql: client,
    retention,
    migrations,
    ingest,
    close: async () => {
      await client.exclusive(() => undefined);
      if (ingest instanceof OffThreadSqliteIngestRepository) await ingest.close();
      await stopCheckpointer(checkpointer);
      db.close();
    },
  });
}

async function openPostgres(config: PostgresStoreConfig, retention: RetentionSettings): Promise<Store> {
  const schema = config.schema ?? 'public';
  if (!SCHEMA_RE.test(schema)) throw new StoreError('STORE_CONFIG_INVALID', `schema "${schema}" must match ${SCHEMA_RE}`);
  if (!config.url) throw new StoreError('STORE_CONFIG_INVALID', 'url is required for the postgres store');
  const types = {
    // BIGINT columns hold Unix ms and counters, all far below 2^53: numbers, not strings.
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const base = { connectionString: config.url, types };
  try {
    const admin = new pg.Client(base);
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (err) {
      // Two replicas creating the schema at once: the loser sees a unique violation.
      if ((err as { code?: string }).code !== '23505') throw err;
    } finally {
      await admin.end();
    }
  } catch (err) {
    throw new StoreError('STORE_OPEN_FAILED', `cannot reach PostgreSQL: ${(err as Error).message}`, { cause: err });
  }
  const pool = new pg.Pool({ ...base, max: config.poolSize ?? 10, options: `-c search_path="${schema}"` });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  let migrations: AppliedMigration[];
  try {
    migrations = await migratePostgres(pool, schema, discoverMigrations('postgres', config.migrationRoots));
  } catch (err) {
    await pool.end();
    throw err;
  }
  const client = new PgClient(pool);
  return assemble({
    dialect: 'postgres',
    sqlite: undefined,
    pg: pool,
    schema,
    sql: client,
    retention,
    migrations,
    ingest: new PostgresIngestRepository(pool),
    close: () => pool.end(),
  });
}

type Parts = Pick<Store, 'dialect' | 'sqlite' | 'pg' | 'schema' | 'sql' | 'retention' | 'migrations' | 'ingest' | 'close'>;

function assemble(parts: Parts): Store {
  const repos = createRepositories(parts.sql as SqlClient);
  let closed = false;
  return {
    ...parts,
    ...repos,
    async prune(nowMs: number) {
      return {
        events: await repos.events.prune(nowMs - parts.retention.eventsMs),
        aggregates: await repos.aggregates.prune(nowMs - parts.retention.aggregatesMs),
        batchKeys: await repos.batches.prune(nowMs - parts.retention.batchKeysMs),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await parts.close();
    },
  };
}
