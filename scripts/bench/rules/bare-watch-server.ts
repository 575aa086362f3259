// Child process of the rules benchmarks: a bare grpc-js server holding WatchRules streams (no
// control plane: no auth, store or push hub). memory.bench.ts measures what each stream costs in
// RSS; propagation.bench.ts has it write the same bytes to every stream and time the acks, the
// floor for publish → ack. A process of its own, so neither figure runs on code (grpc-js, http2,
// protobufjs) that the control plane measured before it already warmed up.
import * as grpc from '@grpc/grpc-js';
import { loadPalisadeGrpc } from '../../../proto/load.ts';
import { enablePreserializedRuleSets } from '../../../control-plane/rules/watch-rules.ts';
import { settledRss } from './settled-rss.ts';

/** One broadcast in progress: acks still awaited and their times since the first write. */
let round: { t0: number; awaited: number; latencies: number[]; done(): void } | null = null;

const calls = new Set<grpc.ServerDuplexStream<unknown, unknown>>();
enablePreserializedRuleSets();
const server = new grpc.Server({ 'grpc.max_send_message_length': -1 });
server.addService(loadPalisadeGrpc().palisade.v1.GatewayService.service, {
  Report: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
  WatchRules: (call: grpc.ServerDuplexStream<{ gateway?: unknown; appliedVersion?: string }, unknown>) => {
    call.on('data', (m) => {
      if (m.gateway) calls.add(call);
      else if (round && Number(m.appliedVersion) > 0) {
        round.latencies.push(performance.now() - round.t0);
        if (--round.awaited === 0) round.done();
      }
    });
    call.on('error', () => calls.delete(call));
    call.on('end', () => calls.delete(call));
  },
});
const port = await new Promise<number>((res, rej) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
);

/** Writes `bytes` to every stream; resolves at the last ack with the latencies and this process's CPU. */
async function broadcast(bytes: Buffer): Promise<{ latencies: number[]; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  const acked = new Promise<void>((done) => (round = { t0: performance.now(), awaited: calls.size, latencies, done }));
  for (const c of calls) c.write(bytes);
  if (calls.size > 0) await acked;
  round = null;
  const cpu = process.cpuUsage(cpu0);
  return { latencies, cpuUs: cpu.user + cpu.system };
}

process.on('message', async (m: { type: string; bytes?: string }) => {
  if (m.type === 'count') process.send!({ type: 'counted', watchers: calls.size });
  if (m.type === 'measure') process.send!({ type: 'measured', rss: await settledRss(), watchers: calls.size });
  if (m.type === 'broadcast') process.send!({ type: 'broadcasted', ...(await broadcast(Buffer.from(m.bytes!, 'base64'))) });
  if (m.type === 'stop') {
    server.forceShutdown();
    process.exit(0);
  }
});
process.send!({ type: 'ready', address: `127.0.0.1:${port}`, endpoints: 0 });
