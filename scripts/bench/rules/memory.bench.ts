// Memory: the control plane's RSS with 100,000 endpoints in its inventory and 1,000 open
// WatchRules streams (real gRPC clients in other processes). Baseline, same run: the RSS of the
// same control plane started on an empty data dir with no streams. Each control plane runs in a
// process of its own (memory-control-plane.ts), so the two figures do not share a heap. What a
// stream costs is also measured on a bare grpc-js server holding the same streams
// (bare-watch-server.ts): the floor for the per-stream figure.
// Input: 1,000 hosts × 100 endpoint templates (20 resources × 5 shapes), the same on every run.
//   npm run bench -- memory   (ENDPOINTS=100000 WATCHERS=1000 to change the defaults)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../../control-plane/store/database.ts';
import type { EndpointKey } from '../../../control-plane/store/types.ts';
import { startClients, stopClients } from './watch-fleet.ts';

const ENDPOINTS = Number(process.env.ENDPOINTS ?? 100_000);
const WATCHERS = Number(process.env.WATCHERS ?? 1000);
const CONTROL_PLANE = fileURLToPath(new URL('./memory-control-plane.ts', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-watch-server.ts', import.meta.url));
const RESOURCES = [
  'orders',
  'users',
  'invoices',
  'payments',
  'carts',
  'products',
  'reviews',
  'shipments',
  'refunds',
  'coupons',
  'accounts',
  'sessions',
  'devices',
  'tickets',
  'messages',
  'reports',
  'exports',
  'webhooks',
  'teams',
  'projects',
];
const SHAPES = (r: string) => {
  const id = `{${r.slice(0, -1)}Id}`;
  return [`/v1/${r}`, `/v1/${r}/${id}`, `/v1/${r}/${id}/history`, `/v1/${r}/${id}/notes`, `/v1/${r}/${id}/notes/{noteId}`];
};
const mib = (n: number) => (n / 1024 / 1024).toFixed(0);

function inventoryKeys(n: number): EndpointKey[] {
  const perHost = RESOURCES.flatMap(SHAPES);
  const keys: EndpointKey[] = [];
  for (let h = 0; keys.length < n; h++) {
    for (const pathTemplate of perHost) {
      if (keys.length === n) break;
      keys.push({ host: `svc-${String(h).padStart(4, '0')}.bench.example`, method: 'GET', pathTemplate });
    }
  }
  return keys;
}

async function seed(dataDir: string, n: number): Promise<void> {
  const store = await openStore({ kind: 'sqlite', dataDir });
  const keys = inventoryKeys(n);
  for (let i = 0; i < keys.length; i += 5000) await store.endpoints.ensure(keys.slice(i, i + 5000), Date.now());
  await store.close();
}

interface Child {
  proc: ChildProcess;
  ready: { address: string; tokensFile: string; endpoints: number };
  measure(): Promise<{ rss: number; watchers: number }>;
  /** Open streams, without the collections `measure` forces. */
  watchers(): Promise<number>;
  stop(): Promise<void>;
}

async function controlPlane(dataDir: string, watchers: number, script = CONTROL_PLANE): Promise<Child> {
  const proc = fork(script, [dataDir, String(watchers)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  spawned.push(proc);
  let exited: Error | undefined;
  const waiting = new Set<(err: Error) => void>();
  proc.once('exit', (code) => {
    exited = new Error(`control plane exited with ${code}`);
    for (const reject of waiting) reject(exited);
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited) return reject(exited);
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        proc.off('message', onMessage);
        waiting.delete(reject);
        resolve(m);
      };
      proc.on('message', onMessage);
      waiting.add(reject);
    });
  const ready = (await next('ready')) as unknown as Child['ready'];
  return {
    proc,
    ready,
    async measure() {
      proc.send({ type: 'measure' });
      return (await next('measured')) as unknown as { rss: number; watchers: number };
    },
    async watchers() {
      proc.send({ type: 'count' });
      return Number((await next('counted')).watchers);
    },
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.send({ type: 'stop' });
      await exited;
    },
  };
}

async function allRegistered(server: Child): Promise<void> {
  const t = performance.now();
  for (let open = 0; open < WATCHERS; open = await server.watchers()) {
    if (performance.now() - t > 600_000) throw new Error(`timed out: ${open} of ${WATCHERS} watchers registered`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every child this run started, killed on the way out whatever happened. */
const spawned: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-memory-'));
try {
  console.log(`memory: control plane with ${ENDPOINTS} endpoints and ${WATCHERS} WatchRules streams (SQLite store)`);
  const emptyDir = join(dir, 'empty');
  const fullDir = join(dir, 'full');
  mkdirSync(emptyDir);
  mkdirSync(fullDir);
  const t0 = performance.now();
  await seed(fullDir, ENDPOINTS);
  console.log(`  seeded ${ENDPOINTS} endpoints in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const empty = await controlPlane(emptyDir, 0);
  const baseline = await empty.measure();
  await empty.stop();

  const full = await controlPlane(fullDir, WATCHERS);
  const loaded = await full.measure();
  const gateways = JSON.parse(readFileSync(full.ready.tokensFile, 'utf8')) as { id: string; token: string }[];
  const clients = await startClients(full.ready.address, gateways, dir);
  spawned.push(...clients);
  const t1 = performance.now();
  await allRegistered(full);
  console.log(`  ${WATCHERS} watchers registered in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const watching = await full.measure();
  await stopClients(clients);
  await full.stop();

  const bare = await controlPlane(dir, WATCHERS, BARE_SERVER);
  const bareIdle = await bare.measure();
  const bareClients = await startClients(bare.ready.address, gateways, dir);
  spawned.push(...bareClients);
  await allRegistered(bare);
  const bareWatching = await bare.measure();
  await stopClients(bareClients);
  await bare.stop();
  const barePerStream = (bareWatching.rss - bareIdle.rss) / Math.max(1, bareWatching.watchers);

  const perEndpoint = (loaded.rss - baseline.rss) / Math.max(1, full.ready.endpoints);
  const perWatcher = (watching.rss - loaded.rss) / Math.max(1, watching.watchers);
  console.log(`  RSS with ${full.ready.endpoints} endpoints and ${watching.watchers} watchers: ${mib(watching.rss)} MiB`);
  console.log(
    `  baseline (empty control plane, no streams): ${mib(baseline.rss)} MiB   ratio ${(watching.rss / baseline.rss).toFixed(2)}x`,
  );
  console.log(
    `  with the endpoints only: ${mib(loaded.rss)} MiB (~${perEndpoint.toFixed(0)} B per endpoint); streams add ~${(perWatcher / 1024).toFixed(1)} KiB each`,
  );
  console.log(
    `  bare grpc-js server with the same ${bareWatching.watchers} streams: ${mib(bareIdle.rss)} → ${mib(bareWatching.rss)} MiB, ~${(barePerStream / 1024).toFixed(1)} KiB per stream   ratio ${(perWatcher / barePerStream).toFixed(2)}x`,
  );
} finally {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill();
  rmSync(dir, { recursive: true, force: true });
}
