// The real callout transport: gRPC through @grpc/grpc-js generic clients (raw Buffer messages,
// so the filter's own protobuf bytes go on the wire unchanged) and HTTP callouts through
// node:http. One client per cluster, shared by every worker VM of the plugin.
import * as grpc from '@grpc/grpc-js';
import { request as httpRequest } from 'node:http';
import type { CalloutTransport, GrpcEvents, GrpcStreamHandle, HttpCallResult } from './callouts.ts';
import type { HeaderPair } from './header-pairs.ts';

export interface ClusterConfig {
  /** "host:port". */
  address: string;
  /** TLS with the system roots; default false (plaintext HTTP/2, as a local control plane). */
  tls?: boolean;
}

const passthrough = (b: Buffer) => b;

function toMetadata(pairs: HeaderPair[]): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    // Pseudo-headers and transport headers are the client's business, not the caller's.
    if (key.startsWith(':') || key === 'content-type' || key === 'te' || key === 'grpc-timeout') continue;
    if (key.endsWith('-bin')) md.add(key, Buffer.from(v, 'latin1'));
    else md.add(key, v);
  }
  return md;
}

function fromMetadata(md: grpc.Metadata | undefined): HeaderPair[] {
  if (!md) return [];
  const out: HeaderPair[] = [];
  for (const [k, values] of Object.entries(md.toJSON())) {
    for (const v of values as (string | Buffer)[]) out.push([k, typeof v === 'string' ? v : v.toString('latin1')]);
  }
  return out;
}

export class GrpcJsTransport implements CalloutTransport {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly grpcClusters: Record<string, ClusterConfig>,
    private readonly httpClusters: Record<string, ClusterConfig> = {},
  ) {}

  hasCluster(name: string): boolean {
    return Object.hasOwn(this.grpcClusters, name) || Object.hasOwn(this.httpClusters, name);
  }

  private client(cluster: string): grpc.Client | undefined {
    let client = this.clients.get(cluster);
    const config = this.grpcClusters[cluster];
    if (!client && config) {
      const creds = config.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
      client = new grpc.Client(config.address, creds);
      this.clients.set(cluster, client);
    }
    return client;
  }

  grpcCall(cluster: string, path: string, metadata: HeaderPair[], message: Uint8Array, timeoutMs: number, events: GrpcEvents) {
    const client = this.client(cluster);
    if (!client) {
      events.onClose(grpc.status.UNAVAILABLE, `cluster ${cluster} is not a gRPC cluster`);
      return { cancel() {} };
    }
    const options: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    const call = client.makeUnaryRequest(path, passthrough, passthrough, asBuffer(message), toMetadata(metadata), options, (err, value) => {
      if (err) events.onClose(err.code ?? grpc.status.UNKNOWN, err.details ?? err.message);
      else events.onMessage(value ?? Buffer.alloc(0));
    });
    return { cancel: () => call.cancel() };
  }

  grpcStream(cluster: string, path: string, metadata: HeaderPair[], events: GrpcEvents): GrpcStreamHandle {
    const client = this.client(cluster);
    if (!client) {
      events.onClose(grpc.status.UNAVAILABLE, `cluster ${cluster} is not a gRPC cluster`);
      return { send() {}, close() {}, cancel() {} };
    }
    const call = client.makeBidiStreamRequest(path, passthrough, passthrough, toMetadata(metadata), {});
    let cancelled = false;
    call.on('metadata', (md: grpc.Metadata) => events.onInitialMetadata(fromMetadata(md)));
    call.on('data', (data: Buffer) => events.onMessage(data));
    call.on('status', (status: grpc.StatusObject) => {
      if (cancelled) return;
      events.onTrailingMetadata(fromMetadata(status.metadata));
      events.onClose(status.code, status.details);
    });
    // Errors are reported through 'status'; the listener keeps them from being unhandled.
    call.on('error', () => {});
    return {
      send: (message, endStream) => {
        call.write(asBuffer(message));
        if (endStream) call.end();
      },
      close: () => call.end(),
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
    };
  }

  httpCall(
    cluster: string,
    headers: HeaderPair[],
    body: Uint8Array,
    _trailers: HeaderPair[],
    timeoutMs: number,
    done: (result: HttpCallResult | undefined) => void,
  ) {
    const config = this.httpClusters[cluster];
    if (!config) {
      done(undefined);
      return { cancel() {} };
    }
    const [host, port] = splitAddress(config.address);
    const plain: Record<string, string> = {};
    let method = 'GET';
    let path = '/';
    for (const [k, v] of headers) {
      if (k === ':method') method = v;
      else if (k === ':path') path = v;
      else if (k === ':authority') plain.host = v;
      else if (!k.startsWith(':')) plain[k] = v;
    }
    let finished = false;
    const finish = (r: HttpCallResult | undefined) => {
      if (!finished) {
        finished = true;
        done(r);
      }
    };
    const req = httpRequest({ host, port, method, path, headers: plain, timeout: timeoutMs || undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: HeaderPair[] = [[':status', String(res.statusCode ?? 0)]];
        for (let i = 0; i < res.rawHeaders.length; i += 2) out.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        const trailers: HeaderPair[] = [];
        for (let i = 0; i < res.rawTrailers.length; i += 2) trailers.push([res.rawTrailers[i]!.toLowerCase(), res.rawTrailers[i + 1]!]);
        finish({ headers: out, body: Buffer.concat(chunks), trailers });
      });
      res.on('error', () => finish(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(undefined));
    req.end(Buffer.from(body));
    return {
      cancel: () => {
        finished = true;
        req.destroy();
      },
    };
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

/**
 * The message as a Buffer over the same bytes: hostcalls hand over a copy of guest memory that
 * nothing else holds (guest-memory.ts read()), so copying it again would only cost (a Report batch
 * is up to a megabyte).
 */
function asBuffer(message: Uint8Array): Buffer {
  return Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
}
