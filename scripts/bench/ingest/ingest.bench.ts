// Ingestion throughput: events/s through real gRPC (gateway client in this process, sending batches
// encoded before the clock starts, as a gateway's encoding is not the control plane's work; control
// plane in a child process, as in production) into SQLite and into PostgreSQL, with batches of 100 and
// 1 000 events, against a baseline of raw INSERTs of the same event rows into the same table,
// measured in the same run, before and after the gRPC runs (on PostgreSQL, a raw COPY of the rows is
// measured too and printed as information: ingest loads event rows by COPY, the fastest load we know). Goals: ≥ 50 000 ev/s (SQLite),
// ≥ 30 000 ev/s (PostgreSQL), ≥ 0.5× the baseline. Input: scripts/bench/ingest/bench-events.ts (seeded, identical on every run).
// Each case sends 500,000 events by default: the goal is a sustained rate, and a short run (100,000
// events were 1–2 s a case) is mostly start-up — module compilation, the JIT warming, the first WAL
// checkpoints — which understated it (SQLite b1000 at load ~2: 99,959 ev/s and 16.5 CPU-µs/event
// over 1,000,000 events; runs of 100,000 gave 75,000–80,000 and ~21).
//   npm run bench -- ingest   (PALISADE_BENCH_EVENTS=200000 changes the volume,
//   PALISADE_BENCH_DIALECTS=sqlite runs one dialect, PALISADE_BENCH_SIZES=1000 one batch size,
//   PALISADE_BENCH_PROFILE=<dir> writes a CPU profile of each control-plane child there,
//   PALISADE_BENCH_INGEST_THREAD=0 keeps SQLite ingest commits on the main thread,
//   PALISADE_BENCH_NODE_FLAGS="<flags>" starts each control-plane child with those Node/V8 flags,
//   PALISADE_BENCH_COMPARE=<another checkout> also runs that checkout's control plane on the same
//   input in the same run, before and after this one, and prints both: a before/after on a shared machine)
// On PostgreSQL the CPU of the server's backends serving the control plane is printed per event too
// (found by the application_name the child's connections carry): the server's share of the work,
// which wall-clock rates hide when the machine is busy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { ReportBatch } from '../../../proto/gen/palisade/v1/ReportBatch.ts';
import { encodedReportClient, openReport } from '../../../control-plane/grpc/test-client.ts';
import { messageType } from '../../../control-plane/grpc/wire-check.ts';
import { BatchGroup } from '../../../control-plane/ingest/batch-group.ts';
import { DEFAULT_BATCH_LIMITS } from '../../../control-plane/ingest/batch-unit.ts';
import { createInventory } from '../../../control-plane/inventory/inventory.ts';
import { EVENT_COLS } from '../../../control-plane/store/columns.ts';
import { openStore, type StoreConfig } from '../../../control-plane/store/database.ts';
import { copyEventRows } from '../../../control-plane/store/postgres-ingest.ts';
import { eventRowsInserter } from './pg-insert-rows.ts';
import { eventValues } from '../../../control-plane/store/sqlite-ingest.ts';
import { TEST_PG_URL } from '../../../control-plane/store/testing.ts';
import { benchBatches } from './bench-events.ts';

const TOTAL = Number(process.env.PALISADE_BENCH_EVENTS ?? 500_000);
const STREAMS = 2;
const SERVER = fileURLToPath(new URL('../../../control-plane/grpc/report-server-main.ts', import.meta.url));
const BASE_MS = Date.UTC(2026, 0, 1);
const cleanups: (() => Promise<void>)[] = [];

async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

function freshConfig(dialect: 'sqlite' | 'postgres', tag: string): StoreConfig {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `palisade-bench-${tag}-`));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    // PALISADE_BENCH_INGEST_THREAD=0: SQLite ingest commits in the main thread (for comparison).
    return { kind: 'sqlite', dataDir: dir, ...(process.env.PALISADE_BENCH_INGEST_THREAD === '0' ? { ingestThread: false } : {}) };
  }
  const schema = `bench_${tag}_${process.pid}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
  return { kind: 'postgres', url: TEST_PG_URL, schema };
}

/**
 * CPU seconds a process has used (Linux /proc, clock ticks of 10 ms). On a machine shared with
 * other work, wall-clock rates measure the neighbours as much as us; events per CPU-second of the
 * process doing the work do not, so both are printed.
 */
function cpuSecondsOf(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** CPU seconds of every thread of `pid` (main thread, worker threads, V8 and libuv helpers) by thread id. */
function threadCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      out.set(tid, cpuSecondsOf(pid, tid));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}
/** PostgreSQL backends serving connections with this application_name (the control plane's pool). */
async function backendPids(applicationName: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}
/** CPU seconds of these processes by pid (a backend that exited meanwhile reads as absent). */
function cpuByPid(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuSecondsOf(pid));
    } catch {
      // Gone: its connection was closed.
    }
  }
  return out;
}
/** CPU the server's backends for `applicationName` used since `before` (backends opened meanwhile count from zero). */
async function backendCpuSince(applicationName: string, before: Map<number, number>): Promise<number> {
  let total = 0;
  for (const [pid, s] of cpuByPid(await backendPids(applicationName))) total += s - (before.get(pid) ?? 0);
  return total;
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The batches each gateway stream sends in the gRPC case (the baseline inserts the same events). */
function streamBatches(size: number): ReportBatch[][] {
  const perStream = Math.ceil(TOTAL / size / STREAMS);
  return Array.from({ length: STREAMS }, (_, g) => benchBatches(`gw${g}`, perStream, size, BASE_MS, 100 + g));
}

/**
 * Raw INSERTs of the same event rows the ingest stores, one transaction per batch: the floor any
 * ingest pays. Same rows means the same indexed columns too: the streams' batches interleaved as
 * they arrive, endpoint ids resolved by the inventory as ingest does (spread over the templated
 * endpoints, not one id whose index entries only append), receive times rising batch by batch.
 * Preparing the rows and creating the endpoints happen before the clock starts.
 */
async function baseline(
  dialect: 'sqlite' | 'postgres',
  size: number,
  tag: string,
  load: 'insert' | 'copy' = 'insert',
): Promise<{ rate: number; perCpu: number; events: number; secs: number; cpu: number }> {
  const store = await openStore(freshConfig(dialect, `${tag}b`));
  const inventory = createInventory({ store });
  const streams = streamBatches(size);
  const arrival: ReportBatch[] = [];
  for (let i = 0; i < streams[0]!.length; i++) for (const s of streams) if (s[i]) arrival.push(s[i]!);
  const rows: unknown[][][] = [];
  for (const [i, b] of arrival.entries()) {
    const receivedMs = BASE_MS + i;
    const group = new BatchGroup(inventory, DEFAULT_BATCH_LIMITS);
    group.add(b, receivedMs);
    const ids = await inventory.endpointIds(group.endpointKeys);
    rows.push(group.build(ids, receivedMs).events.map(eventValues));
  }
  const events = rows.reduce((n, r) => n + r.length, 0);
  const started = performance.now();
  const cpu0 = ownCpuSeconds();
  if (store.sqlite) {
    const db = store.sqlite;
    const insert = db.prepare(`INSERT INTO events (${EVENT_COLS.join(', ')}) VALUES (${EVENT_COLS.map(() => '?').join(', ')})`);
    // One row per statement run, as the ingest writes them: faster than multi-row VALUES lists in SQLite.
    const tx = db.transaction((batch: unknown[][]) => {
      for (const r of batch) insert.run(r);
    });
    for (const batch of rows) tx(batch);
  } else {
    const poolConn = await store.pg!.connect();
    await poolConn.query(
      `CREATE TABLE IF NOT EXISTS events_d${Math.floor(BASE_MS / 86_400_000)} PARTITION OF events FOR VALUES FROM (${Math.floor(BASE_MS / 86_400_000) * 86_400_000}) TO (${(Math.floor(BASE_MS / 86_400_000) + 1) * 86_400_000})`,
    );
    // 'insert': the fastest plain INSERT of a batch we know (one statement over column arrays, as
    // ingest wrote events before COPY): a multi-row VALUES list with one bound parameter per value
    // ran at 0.4-0.8x its rate (pg prepares every parameter), which would flatter the ratio.
    // 'copy': COPY FROM STDIN, as ingest loads event rows now.
    const insert = load === 'insert' ? await eventRowsInserter(poolConn) : null;
    for (const batch of rows) {
      await poolConn.query('BEGIN');
      if (insert) await insert(batch);
      else await copyEventRows(poolConn, batch);
      await poolConn.query('COMMIT');
    }
    poolConn.release();
  }
  const secs = (performance.now() - started) / 1000;
  const cpu = ownCpuSeconds() - cpu0;
  await store.close();
  return { rate: events / secs, perCpu: events / Math.max(cpu, 0.01), events, secs, cpu };
}

function startServer(config: StoreConfig, server: string, applicationName: string): Promise<{ child: ChildProcess; port: number }> {
  // PALISADE_BENCH_PROFILE=<dir>: a V8 CPU profile of each control-plane child lands in <dir>.
  const profile = process.env.PALISADE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PALISADE_BENCH_PROFILE}`] : [];
  // PALISADE_BENCH_NODE_FLAGS="<flags>": Node/V8 flags for each control-plane child (e.g. GC settings to compare).
  const flags = (process.env.PALISADE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', server, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // node-postgres names its connections after PGAPPNAME: the bench finds the server's backends by it.
    env: { ...process.env, PGAPPNAME: applicationName },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`control plane exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (l) => resolve({ child, port: (JSON.parse(l) as { port: number }).port }));
  });
}

/** Through gRPC: STREAMS gateways, each keeping `window` batches un-acked, until all are acked. */
async function throughGrpc(
  dialect: 'sqlite' | 'postgres',
  size: number,
  tag: string,
  server = SERVER,
): Promise<{
  rate: number;
  perCpu: number;
  stored: number;
  mainUsPerEvent: number;
  processUsPerEvent: number;
  otherThreadsUsPerEvent: number[];
  clientUsPerEvent: number;
  /** PostgreSQL backends' CPU (0 on SQLite). */
  serverUsPerEvent: number;
}> {
  const config = freshConfig(dialect, `${tag}g`);
  const applicationName = `palisade-bench-${tag}-${process.pid}`;
  const { child, port } = await startServer(config, server, applicationName);
  const window = size >= 1000 ? 16 : 64;
  const type = messageType('ReportBatch');
  const streams = streamBatches(size).map((batches) => batches.map((b) => type.encode(type.fromObject(b)).finish() as Buffer));
  const client = encodedReportClient(port);
  const started = performance.now();
  const client0 = ownCpuSeconds();
  const cpu0 = cpuSecondsOf(child.pid!);
  // The child's main thread alone (its task id is its pid): what a writer thread takes off it.
  const main0 = cpuSecondsOf(child.pid!, child.pid!);
  const threads0 = threadCpuSeconds(child.pid!);
  const backends0 = dialect === 'postgres' ? cpuByPid(await backendPids(applicationName)) : null;
  await Promise.all(
    streams.map(async (batches, g) => {
      const s = openReport(client, `tok-gw${g}`);
      let sent = 0;
      while (sent < batches.length) {
        const acked = s.acks.length;
        while (sent < batches.length && sent - acked < window) s.stream.write(batches[sent++]!);
        await s.waitForAcks(acked + 1);
      }
      await s.waitForAcks(batches.length);
      if (s.acks.some((a) => a.status !== 'ACK_STATUS_OK')) throw new Error('a batch was not stored');
      s.stream.end();
    }),
  );
  const secs = (performance.now() - started) / 1000;
  const clientCpu = ownCpuSeconds() - client0;
  const cpu = cpuSecondsOf(child.pid!) - cpu0;
  const mainCpu = cpuSecondsOf(child.pid!, child.pid!) - main0;
  const threads = [...threadCpuSeconds(child.pid!)].filter(([tid]) => tid !== child.pid).map(([tid, s]) => s - (threads0.get(tid) ?? 0));
  const serverCpu = backends0 ? await backendCpuSince(applicationName, backends0) : 0;
  client.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const store = await openStore(config);
  const stored = await store.events.count();
  await store.close();
  const events = streams.reduce((n, s) => n + s.length * size, 0);
  return {
    rate: events / secs,
    perCpu: events / Math.max(cpu, 0.01),
    stored,
    mainUsPerEvent: (mainCpu * 1e6) / events,
    processUsPerEvent: (cpu * 1e6) / events,
    otherThreadsUsPerEvent: threads
      .filter((s) => s > 0)
      .sort((a, b) => b - a)
      .map((s) => (s * 1e6) / events),
    clientUsPerEvent: (clientCpu * 1e6) / events,
    serverUsPerEvent: (serverCpu * 1e6) / events,
  };
}

type GrpcRun = Awaited<ReturnType<typeof throughGrpc>>;
/** Two runs of the same checkout as one: the rate over both (equal event counts), CPU figures averaged. */
function bothRuns(a: GrpcRun, b: GrpcRun): GrpcRun {
  const mean = (x: number, y: number) => (x + y) / 2;
  return {
    rate: 2 / (1 / a.rate + 1 / b.rate),
    perCpu: 2 / (1 / a.perCpu + 1 / b.perCpu),
    stored: Math.min(a.stored, b.stored),
    mainUsPerEvent: mean(a.mainUsPerEvent, b.mainUsPerEvent),
    processUsPerEvent: mean(a.processUsPerEvent, b.processUsPerEvent),
    otherThreadsUsPerEvent: a.otherThreadsUsPerEvent,
    clientUsPerEvent: mean(a.clientUsPerEvent, b.clientUsPerEvent),
    serverUsPerEvent: mean(a.serverUsPerEvent, b.serverUsPerEvent),
  };
}

const COMPARE = process.env.PALISADE_BENCH_COMPARE
  ? join(process.env.PALISADE_BENCH_COMPARE, 'control-plane/grpc/report-server-main.ts')
  : null;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const GOALS = { sqlite: 50_000, postgres: 30_000 };

try {
  const wanted = (process.env.PALISADE_BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
  const dialects: ('sqlite' | 'postgres')[] = wanted.includes('sqlite') ? ['sqlite'] : [];
  if (wanted.includes('postgres')) {
    if (await pgAvailable()) dialects.push('postgres');
    else console.log(`PostgreSQL not reachable at ${TEST_PG_URL}: PostgreSQL figures skipped`);
  }
  console.log(`ingest: ${fmt(TOTAL)} events per case, ${STREAMS} gateway streams, control plane in a child process`);
  console.log(
    'dialect   batch   via gRPC ev/s   raw INSERT ev/s   ratio   goal                    | per CPU-second: gRPC   raw INSERT   ratio',
  );
  for (const dialect of dialects) {
    for (const size of (process.env.PALISADE_BENCH_SIZES ?? '100,1000').split(',').map(Number)) {
      const tag = `${dialect[0]}${size}`;
      // The baseline runs before and after the gRPC runs, into fresh stores, and counts as both
      // together: one short run alone read anywhere in 93k-158k ev/s on a shared machine, and
      // whatever the neighbours did during it decided the ratio.
      const first = await baseline(dialect, size, tag);
      const firstCopy = dialect === 'postgres' ? await baseline(dialect, size, `${tag}c`, 'copy') : null;
      // The compared checkout runs before and after this one (A-B-A): a run right after the
      // baselines pays for the writes they left behind (PostgreSQL checkpoints, SQLite's page
      // cache), and with one compared run first, order alone read 1.8x on SQLite (2026-12-06).
      const beforeRun = COMPARE ? await throughGrpc(dialect, size, `${tag}r`, COMPARE) : null;
      const got = await throughGrpc(dialect, size, tag);
      const afterRun = COMPARE ? await throughGrpc(dialect, size, `${tag}s`, COMPARE) : null;
      const before = beforeRun && afterRun ? bothRuns(beforeRun, afterRun) : null;
      const second = await baseline(dialect, size, `${tag}z`);
      const secondCopy = dialect === 'postgres' ? await baseline(dialect, size, `${tag}y`, 'copy') : null;
      const base = {
        events: first.events,
        rate: (first.events + second.events) / (first.secs + second.secs),
        perCpu: (first.events + second.events) / Math.max(first.cpu + second.cpu, 0.01),
      };
      if (got.stored < base.events) throw new Error(`only ${got.stored} of ${base.events} events stored`);
      const ratio = got.rate / base.rate;
      const ok = got.rate >= GOALS[dialect] && ratio >= 0.5;
      console.log(
        `${dialect.padEnd(9)} ${String(size).padStart(5)}   ${fmt(got.rate).padStart(13)}   ${fmt(base.rate).padStart(15)}   ${ratio.toFixed(2).padStart(5)}   ≥${fmt(GOALS[dialect])} & ≥0.5× ${(ok ? 'met' : 'NOT met').padEnd(7)} | ${fmt(got.perCpu).padStart(20)}   ${fmt(base.perCpu).padStart(10)}   ${(got.perCpu / base.perCpu).toFixed(2).padStart(5)}`,
      );
      console.log(
        `${' '.repeat(16)}raw INSERT before and after: ${fmt(first.rate)} and ${fmt(second.rate)} ev/s; control plane: ${got.processUsPerEvent.toFixed(1)} CPU-µs/event, of which main thread ${got.mainUsPerEvent.toFixed(1)}, other threads (busiest first) ${got.otherThreadsUsPerEvent.map((u) => u.toFixed(1)).join(' ')}; gateway client ${got.clientUsPerEvent.toFixed(1)}${dialect === 'postgres' ? `; PostgreSQL backends ${got.serverUsPerEvent.toFixed(1)}` : ''}`,
      );
      if (firstCopy && secondCopy) {
        const copyRate = (firstCopy.events + secondCopy.events) / (firstCopy.secs + secondCopy.secs);
        console.log(
          `${' '.repeat(16)}raw COPY (information: how ingest loads event rows now) before and after: ${fmt(firstCopy.rate)} and ${fmt(secondCopy.rate)} ev/s; via gRPC ${(got.rate / copyRate).toFixed(2)}x of it`,
        );
      }
      if (before)
        console.log(
          `${' '.repeat(16)}compared checkout (run before and after this one): ${fmt(before.rate)} ev/s (${fmt(beforeRun!.rate)} and ${fmt(afterRun!.rate)}; this one ${(got.rate / before.rate).toFixed(2)}x), ${before.processUsPerEvent.toFixed(1)} CPU-µs/event, of which main thread ${before.mainUsPerEvent.toFixed(1)}; gateway client ${before.clientUsPerEvent.toFixed(1)}${dialect === 'postgres' ? `; PostgreSQL backends ${before.serverUsPerEvent.toFixed(1)}` : ''}`,
        );
    }
  }
  console.log(`(${process.env.PALISADE_BENCH_NOTE ?? '2-core machine shared with other work: figures vary run to run'})`);
  console.log('(per CPU-second: events over the CPU time of the process doing the work — the control-plane child for gRPC,');
  console.log(' this process for raw INSERTs; PostgreSQL server CPU is in neither — so it holds up when the machine is busy;');
  console.log(" PostgreSQL backends: CPU of the server processes serving the control plane's connections, per event)");
} finally {
  for (const c of cleanups) await c().catch(() => undefined);
}
