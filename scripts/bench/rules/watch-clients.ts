// Child process of propagation.bench.ts: opens one WatchRules stream per token (each on its own
// HTTP/2 connection, like separate gateways), acknowledges every RuleSet it receives, and tells
// the parent when all streams are registered. With TABLES set (the detectors digest the gateways
// start with, as the filter holds its built-in tables) each stream states the detector tables it
// holds, as palisade.wasm does, and refuses a RuleSet without tables that names others.
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { loadPalisadeGrpc } from '../../../proto/load.ts';

const [address, tokensFile] = process.argv.slice(2) as [string, string];
const gateways = JSON.parse(readFileSync(tokensFile, 'utf8')) as { id: string; token: string }[];
const Service = loadPalisadeGrpc().palisade.v1.GatewayService;
const clients: grpc.Client[] = [];
let received = 0;
let failures = 0;
let retries = 0;
let stopping = false;

/**
 * One gateway's WatchRules stream. Like palisade.wasm, a stream that cannot be established
 * (UNAVAILABLE: with thousands of connects at once some are reset before the server accepts
 * them) is opened again after a jittered backoff, holding what it applied so far.
 */
function watch(g: { id: string; token: string }, client: grpc.Client & Record<string, unknown>): void {
  let held = process.env.HELD ?? '0';
  let tables = process.env.TABLES ?? '';
  const open = (): void => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${g.token}`);
    const call = (client.WatchRules as (md: grpc.Metadata) => grpc.ClientDuplexStream<unknown, unknown>)(md);
    call.on('data', (rs: { version: string; detectorsDigest: string; detectorsOmitted: boolean }) => {
      received++;
      if (rs.detectorsOmitted && rs.detectorsDigest !== tables) {
        call.write({ rejectedVersion: rs.version, rejectReason: 'detector tables omitted, not held', detectorsDigest: tables });
        return;
      }
      if (!rs.detectorsOmitted && process.env.TABLES !== undefined) tables = rs.detectorsDigest;
      held = rs.version;
      call.write({ appliedVersion: rs.version, detectorsDigest: tables });
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (stopping || err.code === grpc.status.CANCELLED) return;
      if (err.code === grpc.status.UNAVAILABLE) {
        retries++;
        setTimeout(open, 250 + Math.random() * 750);
        return;
      }
      // Anything else would skew the figures.
      if (failures++ === 0) console.error(`WatchRules stream of ${g.id} failed: ${err.code} ${err.details}`);
    });
    call.write({ gateway: { id: g.id, kind: 'GATEWAY_KIND_DEV' }, heldVersion: held, detectorsDigest: tables });
  };
  open();
}

for (const [i, g] of gateways.entries()) {
  // Connect in waves: thousands of simultaneous SYNs overflow the server's listen backlog.
  if (i > 0 && i % 250 === 0) await new Promise((r) => setTimeout(r, 100));
  // A local subchannel pool gives each client its own connection, as separate gateways would have.
  const client = new Service(address, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  clients.push(client);
  watch(g, client as unknown as grpc.Client & Record<string, unknown>);
}
process.send!({ type: 'opened', count: gateways.length });
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') {
    stopping = true;
    if (retries > 0) console.error(`${retries} WatchRules streams of this client process were reopened after UNAVAILABLE`);
    for (const c of clients) c.close();
    process.send!({ type: 'stopped', received });
    setTimeout(() => process.exit(0), 100);
  }
});
