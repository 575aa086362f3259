// Rule propagation: time from publish (POST-equivalent: validate, compile, store, audit) to the
// ack of each of 1,000 concurrent WatchRules streams (real gRPC clients in two child processes),
// measured on the control plane's clock. Baseline, same run: a bare gRPC server that writes the
// same RuleSet bytes to the same number of streams and waits for the same acks (no publish path,
// no store). Also the control plane's RSS with 1,000 watchers.
// Two payloads: a policies-only RuleSet (small) and one carrying the compiled built-in detectors.
// Usage: npm run bench -- rules   (WATCHERS=1000 ROUNDS=5 to change the defaults)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadPalisadeGrpc } from '../../../proto/load.ts';
import { startControlPlane, type ControlPlane } from '../../../control-plane/app.ts';
import { EMPTY_DETECTION_ENGINE, type DetectionEngine } from '../../../control-plane/rules/compile-rule-set.ts';
import { createDetectionEngine } from '../../../control-plane/rules/detection-engine.ts';
import { enablePreserializedRuleSets } from '../../../control-plane/rules/watch-rules.ts';
import { SYSTEM_ACTOR } from '../../../control-plane/audit/audit-log.ts';
import { CHILDREN, startClients, stopClients, waitFor } from './watch-fleet.ts';

const WATCHERS = Number(process.env.WATCHERS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

/** Publish → every ack, ROUNDS times, on a real control plane. */
async function measureControlPlane(engine: DetectionEngine, label: string, dir: string) {
  const cp: ControlPlane = await startControlPlane(
    { dataDir: join(dir, label), grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'warn' } },
    { detectionEngine: engine },
  );
  const gateways: { id: string; token: string }[] = [];
  for (let i = 0; i < WATCHERS; i++) gateways.push({ id: `gw-${i}`, token: await cp.createToken(`gw-${i}`, 'gateway', `gw-${i}`) });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const children = await startClients(cp.grpcAddress, gateways, dir);
  await waitFor(() => cp.hub.size === WATCHERS, 'all watchers registered');
  global.gc?.();
  const rssWatching = process.memoryUsage().rss;

  const latencies: number[] = [];
  let bytes = 0;
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
    t0 = performance.now();
    const v = await cp.rules.publish(SYSTEM_ACTOR, {
      source: { policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: round, key: 'RATE_LIMIT_KEY_CLIENT_IP' } }] },
      comment: `round ${round}`,
    });
    target = v.version;
    bytes = cp.rules.current().compiled.bytes.length;
    await waitFor(() => acked.size === WATCHERS, `acks of round ${round}`);
    cp.hub.off('ack', onAck);
  }
  await stopClients(children);
  await cp.close();
  return { latencies: latencies.sort((a, b) => a - b), bytes, rssBefore, rssWatching, ruleBytes: bytes };
}

/** The same bytes to the same number of streams through a bare grpc-js server: the floor. */
async function measureBaseline(bytes: Buffer, dir: string) {
  enablePreserializedRuleSets();
  const calls = new Set<grpc.ServerDuplexStream<{ appliedVersion?: string }, unknown>>();
  const acks: number[] = [];
  let t0 = 0;
  let ackedThisRound = 0;
  const server = new grpc.Server({ 'grpc.max_send_message_length': -1 });
  server.addService(loadPalisadeGrpc().palisade.v1.GatewayService.service, {
    Report: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
    WatchRules: (call: grpc.ServerDuplexStream<{ appliedVersion?: string; gateway?: unknown }, unknown>) => {
      call.on('data', (m) => {
        if (m.gateway) calls.add(call);
        else if (Number(m.appliedVersion) > 0) {
          ackedThisRound++;
          acks.push(performance.now() - t0);
        }
      });
      call.on('error', () => calls.delete(call));
      call.on('end', () => calls.delete(call));
    },
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const gateways = Array.from({ length: WATCHERS }, (_, i) => ({ id: `gw-${i}`, token: 'unused' }));
  const children = await startClients(`127.0.0.1:${port}`, gateways, dir);
  await waitFor(() => calls.size === WATCHERS, 'baseline watchers');
  for (let round = 1; round <= ROUNDS; round++) {
    ackedThisRound = 0;
    t0 = performance.now();
    for (const c of calls) c.write(bytes as never);
    await waitFor(() => ackedThisRound === WATCHERS, `baseline acks of round ${round}`);
  }
  await stopClients(children);
  server.forceShutdown();
  return acks.sort((a, b) => a - b);
}

const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-rules-'));
try {
  console.log(
    `rule propagation: ${WATCHERS} WatchRules streams in ${CHILDREN} client processes, ${ROUNDS} publishes; 2-core machine shared with other work`,
  );
  const engines: [string, () => DetectionEngine][] = [
    ['policies only', () => EMPTY_DETECTION_ENGINE],
    ['with built-in detectors', createDetectionEngine],
  ];
  for (const [label, engine] of engines) {
    const r = await measureControlPlane(engine(), label.replace(/\W+/g, '-'), dir);
    const { compileRuleSet } = await import('../../../control-plane/rules/compile-rule-set.ts');
    const sample = compileRuleSet({}, { version: 1, publishedAtMs: 1, comment: '' }, engine()).bytes;
    const base = await measureBaseline(sample, dir);
    const p50 = pct(r.latencies, 50);
    const p99 = pct(r.latencies, 99);
    const b50 = pct(base, 50);
    const b99 = pct(base, 99);
    console.log(`\n${label}: RuleSet ${r.ruleBytes} bytes`);
    console.log(
      `  publish → ack   p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms   (goal p99 < 250 ms: ${p99 < 250 ? 'met' : 'NOT met'})`,
    );
    console.log(`  baseline (bare gRPC broadcast of the same bytes)   p50 ${b50.toFixed(1)} ms   p99 ${b99.toFixed(1)} ms`);
    console.log(`  ratio p50 ${(p50 / b50).toFixed(2)}x   p99 ${(p99 / b99).toFixed(2)}x`);
    console.log(
      `  control-plane RSS: ${mb(r.rssBefore)} before streams, ${mb(r.rssWatching)} with ${WATCHERS} watchers (+${mb(r.rssWatching - r.rssBefore)})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
