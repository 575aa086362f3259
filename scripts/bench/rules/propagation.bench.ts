// Rule propagation: time from publish (POST-equivalent: validate, compile, store, audit) to the
// ack of each of 1,000 concurrent WatchRules streams (real gRPC clients in two child processes),
// measured on the control plane's clock. Baseline, same run: a bare gRPC server in a fresh process
// (bare-watch-server.ts) that writes the same RuleSet bytes to the same number of streams and waits
// for the same acks (no publish path, no store). Also the control plane's RSS with 1,000 watchers.
// Three cases: a policies-only RuleSet (small); the built-in detectors with gateways that hold the
// tables (a policy publish: the tables stay behind, RuleSet.detectors_omitted); the built-in
// detectors sent complete to every stream (what a publish that changes the detectors costs, and
// what every publish cost before the tables stayed behind).
// Usage: npm run bench -- rules   (WATCHERS=1000 ROUNDS=5 to change the defaults; 10,000 watchers:
// WATCHERS=10000 CLIENT_PROCESSES=4, CASES=1,2 to leave out the 78 KB x 10,000 case)
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../../../control-plane/app.ts';
import {
  compileRuleSet,
  EMPTY_DETECTION_ENGINE,
  withoutDetectorTables,
  type DetectionEngine,
} from '../../../control-plane/rules/compile-rule-set.ts';
import { createDetectionEngine } from '../../../control-plane/rules/detection-engine.ts';
import { SYSTEM_ACTOR } from '../../../control-plane/audit/audit-log.ts';
import { CHILDREN, startClients, stopClients, waitFor } from './watch-fleet.ts';

const WATCHERS = Number(process.env.WATCHERS ?? 1000);
// PROFILE=<dir>: a V8 CPU profile of this process (the control plane) over each case's publish →
// ack rounds only, written as <dir>/<case>.cpuprofile (open in Chrome DevTools).
const PROFILE = process.env.PROFILE;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BARE_SERVER = fileURLToPath(new URL('./bare-watch-server.ts', import.meta.url));

/** The kernel's count of connections dropped because a listen queue was full (machine-wide). */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[at]!.split(/\s+/);
  return Number(lines[at + 1]!.split(/\s+/)[names.indexOf('ListenOverflows')]);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

/** Publish → every ack, ROUNDS times, on a real control plane. */
async function measureControlPlane(engine: DetectionEngine, label: string, dir: string, holdTables: boolean) {
  const cp: ControlPlane = await startControlPlane(
    { dataDir: join(dir, label), grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'warn' } },
    { detectionEngine: engine },
  );
  const gateways: { id: string; token: string }[] = [];
  for (let i = 0; i < WATCHERS; i++) gateways.push({ id: `gw-${i}`, token: await cp.createToken(`gw-${i}`, 'gateway', `gw-${i}`) });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  // Gateways start holding the built-in tables (version 0), as palisade.wasm does.
  const connect0 = performance.now();
  const overflows0 = listenOverflows();
  const children = await startClients(
    cp.grpcAddress,
    gateways,
    dir,
    holdTables ? { TABLES: cp.rules.current().compiled.detectorsDigest } : {},
  );
  await waitFor(() => cp.hub.size === WATCHERS, 'all watchers registered');
  const connect = { ms: performance.now() - connect0, overflows: listenOverflows() - overflows0 };
  global.gc?.();
  const rssWatching = process.memoryUsage().rss;

  const latencies: number[] = [];
  let cpuUs = 0;
  const profiler = PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const acked = new Set<string>();
    let t0 = 0;
    let target = -1;
    const onAck = (gatewayId: string, version: number) => {
      if (version !== target) return;
      acked.add(gatewayId);
      latencies.push(performance.now() - t0);
    };
    cp.hub.on('ack', onAck);
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    const v = await cp.rules.publish(SYSTEM_ACTOR, {
      source: { policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: round, key: 'RATE_LIMIT_KEY_CLIENT_IP' } }] },
      comment: `round ${round}`,
    });
    target = v.version;
    await waitFor(() => acked.size === WATCHERS, `acks of round ${round}`);
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system;
    cp.hub.off('ack', onAck);
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(PROFILE!, `${label}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  const current = cp.rules.current();
  // What each stream was sent: lean when every push of the run went out without the tables.
  const sent = { ...cp.hub.sent };
  const bytes = sent.complete === 0 && current.lean ? current.lean.length : current.compiled.bytes.length;
  await stopClients(children);
  await cp.close();
  return {
    latencies: latencies.sort((a, b) => a - b),
    cpuMsPerPublish: cpuUs / 1000 / ROUNDS,
    bytes,
    rssBefore,
    rssWatching,
    sent,
    fullBytes: current.compiled.bytes.length,
    connect,
  };
}

/**
 * The same bytes to the same number of streams through a bare grpc-js server (bare-watch-server.ts)
 * in a fresh process of its own: the floor. In this process it would run on grpc-js, http2 and
 * protobufjs code the control plane's rounds had already warmed up, and look cheaper than it is.
 */
async function measureBaseline(bytes: Buffer, dir: string, clientEnv: Record<string, string>) {
  const server = fork(BARE_SERVER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bare server exited with ${code}`));
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        server.off('message', onMessage);
        server.off('exit', onExit);
        resolve(m);
      };
      server.on('message', onMessage);
      server.once('exit', onExit);
    });
  try {
    const ready = await next('ready');
    const gateways = Array.from({ length: WATCHERS }, (_, i) => ({ id: `gw-${i}`, token: 'unused' }));
    const children = await startClients(String(ready.address), gateways, dir, clientEnv);
    const deadline = Date.now() + 120_000;
    for (let open = 0; open < WATCHERS; open = Number((await next('counted')).watchers)) {
      if (Date.now() > deadline) throw new Error(`timed out: ${open} of ${WATCHERS} baseline watchers registered`);
      await new Promise((r) => setTimeout(r, 50));
      server.send({ type: 'count' });
    }
    const latencies: number[] = [];
    let cpuUs = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      server.send({ type: 'broadcast', bytes: bytes.toString('base64') });
      const r = (await next('broadcasted')) as unknown as { latencies: number[]; cpuUs: number };
      latencies.push(...r.latencies);
      cpuUs += r.cpuUs;
    }
    await stopClients(children);
    const exited = new Promise((r) => server.once('exit', r));
    server.send({ type: 'stop' });
    await exited;
    return { latencies: latencies.sort((a, b) => a - b), cpuMsPerPublish: cpuUs / 1000 / ROUNDS };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill();
  }
}

const cases: [string, () => DetectionEngine, boolean][] = [
  ['policies only', () => EMPTY_DETECTION_ENGINE, false],
  ['with built-in detectors, gateways holding the tables (a policy publish)', createDetectionEngine, true],
  ['with built-in detectors sent complete (a publish that changes the detectors)', createDetectionEngine, false],
];
// CASES=1,2 runs only those cases (1-based), e.g. to measure 10,000 watchers without the slow one.
const selected = (process.env.CASES?.split(',').map(Number) ?? cases.map((_, i) => i + 1)).filter((n) => cases[n - 1]);
if (!process.env.BENCH_CASE_PROCESS) {
  console.log(
    `rule propagation: ${WATCHERS} WatchRules streams in ${CHILDREN} client processes, ${ROUNDS} publishes; 2-core machine shared with other work`,
  );
}
if (selected.length > 1) {
  // Each case in a fresh process, as the baseline is: a case run after another would start on code
  // the earlier one warmed up.
  for (const n of selected) {
    const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, CASES: String(n), BENCH_CASE_PROCESS: '1' },
    });
    if (run.status !== 0) process.exitCode = 1;
  }
} else if (selected.length === 1) {
  await measureCase(selected[0]!);
}

async function measureCase(n: number): Promise<void> {
  const [label, engine, holdTables] = cases[n - 1]!;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-rules-'));
  try {
    const r = await measureControlPlane(engine(), label.replace(/\W+/g, '-'), dir, holdTables);
    // The baseline writes the same bytes each stream got: the RuleSet, or its lean form.
    const complete = compileRuleSet({}, { version: 1, publishedAtMs: 1, comment: '' }, engine());
    const sample = holdTables ? withoutDetectorTables(complete)! : complete.bytes;
    const base = await measureBaseline(sample, dir, holdTables ? { TABLES: complete.detectorsDigest } : {});
    const p50 = pct(r.latencies, 50);
    const p99 = pct(r.latencies, 99);
    const b50 = pct(base.latencies, 50);
    const b99 = pct(base.latencies, 99);
    console.log(
      `\n${label}: ${r.bytes} bytes per stream (complete RuleSet ${r.fullBytes}; pushes: ${r.sent.complete} complete, ${r.sent.lean} without tables)`,
    );
    console.log(
      `  publish → ack   p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms   (goal p99 < 250 ms: ${p99 < 250 ? 'met' : 'NOT met'})`,
    );
    console.log(`  baseline (bare gRPC broadcast of the same bytes)   p50 ${b50.toFixed(1)} ms   p99 ${b99.toFixed(1)} ms`);
    console.log(`  ratio p50 ${(p50 / b50).toFixed(2)}x   p99 ${(p99 / b99).toFixed(2)}x`);
    // CPU of the server process from publish to the last ack: holds better than wall time when
    // the machine is shared.
    console.log(
      `  server CPU per publish (1 process, to the last ack): ${r.cpuMsPerPublish.toFixed(0)} ms   baseline ${base.cpuMsPerPublish.toFixed(0)} ms   ratio ${(r.cpuMsPerPublish / base.cpuMsPerPublish).toFixed(2)}x`,
    );
    console.log(
      `  connect: ${WATCHERS} streams registered ${(r.connect.ms / 1000).toFixed(1)} s after the clients started; listen-queue overflows meanwhile ${r.connect.overflows} (kernel-wide)`,
    );
    console.log(
      `  control-plane RSS: ${mb(r.rssBefore)} before streams, ${mb(r.rssWatching)} with ${WATCHERS} watchers (+${mb(r.rssWatching - r.rssBefore)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
