// A minimal GatewayService for filter tests (the real one is control-plane/app.ts): raw-bytes
// serializers so a test can push malformed RuleSets, protobufjs to read what the filter sends.
import * as grpc from '@grpc/grpc-js';
import { EventEmitter, once } from 'node:events';
import { decodeMessage, encodeMessage } from './proto.ts';

type Json = Record<string, unknown>;
const raw = (b: Buffer) => b;
const method = (name: string) => ({
  path: `/palisade.v1.GatewayService/${name}`,
  requestStream: true,
  responseStream: true,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
});

export class FakeControlPlane extends EventEmitter {
  readonly batches: Json[] = [];
  /** Every ReportBatch exactly as it arrived on the wire (privacy tests search the bytes). */
  readonly batchBytes: Buffer[] = [];
  readonly watchRequests: Json[] = [];
  readonly authorizations: string[] = [];
  private server = new grpc.Server();
  private watchers = new Set<grpc.ServerDuplexStream<Buffer, Buffer>>();
  private reporters = new Set<grpc.ServerDuplexStream<Buffer, Buffer>>();
  port = 0;

  constructor() {
    super();
    this.server.addService({ Report: method('Report'), WatchRules: method('WatchRules') } as grpc.ServiceDefinition, {
      Report: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        this.reporters.add(call);
        this.authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
        call.on('data', (buf: Buffer) => {
          this.batchBytes.push(Buffer.from(buf));
          const batch = decodeMessage('ReportBatch', buf);
          this.batches.push(batch);
          call.write(Buffer.from(encodeMessage('ReportAck', { sequence: batch.sequence, status: 'ACK_STATUS_OK' })));
          this.emit('batch', batch);
        });
        call.on('error', () => this.reporters.delete(call));
        call.on('end', () => this.reporters.delete(call));
      },
      WatchRules: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        this.watchers.add(call);
        call.on('data', (buf: Buffer) => {
          const req = decodeMessage('WatchRulesRequest', buf);
          this.watchRequests.push(req);
          this.emit('watch', req);
        });
        call.on('error', () => this.watchers.delete(call));
        call.on('end', () => this.watchers.delete(call));
      },
    });
  }

  async start(port = 0): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return this.port;
  }

  get connectedWatchers(): number {
    return this.watchers.size;
  }

  /** Sends a RuleSet (proto3 JSON) or raw bytes to every connected WatchRules stream. */
  push(rules: Json | Uint8Array): void {
    const bytes = rules instanceof Uint8Array ? rules : encodeMessage('RuleSet', rules);
    for (const w of this.watchers) w.write(Buffer.from(bytes));
  }

  /** Writes raw bytes as a ReportAck on every open Report stream (malformed-input tests). */
  pushReportAck(bytes: Uint8Array): void {
    for (const r of this.reporters) r.write(Buffer.from(bytes));
  }

  /** Waits until `streams` WatchRules streams said hello, then pushes `rules` to all of them. */
  async pushWhenConnected(rules: Json | Uint8Array, streams = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.watchRequests.filter((r) => r.gateway !== undefined).length < streams) {
      if (Date.now() > deadline) throw new Error(`only ${this.watchRequests.length} WatchRules streams connected`);
      await new Promise((r) => setTimeout(r, 5));
    }
    this.push(rules);
  }

  /** Resolves with the first watch request (already received or future) matching `pred`. */
  async waitWatch(pred: (r: Json) => boolean, timeoutMs = 5000): Promise<Json> {
    return this.waitFor('watch', this.watchRequests, pred, timeoutMs);
  }

  async waitBatch(pred: (b: Json) => boolean, timeoutMs = 5000): Promise<Json> {
    return this.waitFor('batch', this.batches, pred, timeoutMs);
  }

  private async waitFor(event: string, seen: Json[], pred: (r: Json) => boolean, timeoutMs: number): Promise<Json> {
    const hit = seen.find(pred);
    if (hit) return hit;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      for (;;) {
        const [item] = (await once(this, event, { signal: ac.signal })) as [Json];
        if (pred(item)) return item;
      }
    } catch {
      throw new Error(`timed out after ${timeoutMs} ms waiting for a ${event} message`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the server and every open stream at once, like a crashed control plane. */
  async stop(): Promise<void> {
    this.server.forceShutdown();
    this.watchers.clear();
    this.reporters.clear();
  }
}
