// Child process of propagation.bench.ts: opens one WatchRules stream per token (each on its own
// HTTP/2 connection, like separate gateways), acknowledges every RuleSet it receives, and tells
// the parent when all streams are registered.
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { loadPalisadeGrpc } from '../../../proto/load.ts';

const [address, tokensFile] = process.argv.slice(2) as [string, string];
const gateways = JSON.parse(readFileSync(tokensFile, 'utf8')) as { id: string; token: string }[];
const Service = loadPalisadeGrpc().palisade.v1.GatewayService;
const clients: grpc.Client[] = [];
let received = 0;
let failures = 0;

for (const [i, g] of gateways.entries()) {
  // Connect in waves: thousands of simultaneous SYNs overflow the server's listen backlog and the
  // resets would be counted as the control plane's failures.
  if (i > 0 && i % 250 === 0) await new Promise((r) => setTimeout(r, 100));
  // A local subchannel pool gives each client its own connection, as separate gateways would have.
  const client = new Service(address, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  clients.push(client);
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${g.token}`);
  const call = client.WatchRules(md);
  call.on('data', (rs: { version: string }) => {
    received++;
    call.write({ appliedVersion: rs.version });
  });
  call.on('error', (err: grpc.ServiceError) => {
    // Streams end with CANCELLED when the benchmark stops them; anything else would skew figures.
    if (err.code !== grpc.status.CANCELLED && failures++ === 0)
      console.error(`WatchRules stream of ${g.id} failed: ${err.code} ${err.details}`);
  });
  call.write({ gateway: { id: g.id, kind: 'GATEWAY_KIND_DEV' }, heldVersion: process.env.HELD ?? '0' });
}
process.send!({ type: 'opened', count: gateways.length });
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') {
    for (const c of clients) c.close();
    process.send!({ type: 'stopped', received });
    setTimeout(() => process.exit(0), 100);
  }
});
