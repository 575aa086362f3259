// Child process of memory.bench.ts: a bare grpc-js server holding WatchRules streams (no control
// plane: no auth, store or push hub), the baseline for what each stream costs in RSS.
import * as grpc from '@grpc/grpc-js';
import { loadPalisadeGrpc } from '../../../proto/load.ts';
import { settledRss } from './settled-rss.ts';

const calls = new Set<unknown>();
const server = new grpc.Server();
server.addService(loadPalisadeGrpc().palisade.v1.GatewayService.service, {
  Report: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
  WatchRules: (call: grpc.ServerDuplexStream<{ gateway?: unknown }, unknown>) => {
    call.on('data', (m) => m.gateway && calls.add(call));
    call.on('error', () => calls.delete(call));
    call.on('end', () => calls.delete(call));
  },
});
const port = await new Promise<number>((res, rej) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
);

process.on('message', async (m: { type: string }) => {
  if (m.type === 'count') process.send!({ type: 'counted', watchers: calls.size });
  if (m.type === 'measure') process.send!({ type: 'measured', rss: await settledRss(), watchers: calls.size });
  if (m.type === 'stop') {
    server.forceShutdown();
    process.exit(0);
  }
});
process.send!({ type: 'ready', address: `127.0.0.1:${port}`, endpoints: 0 });
