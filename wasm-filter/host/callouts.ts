// HTTP and gRPC callouts of one VM: token allocation, the service-argument rules, and delivery of
// responses to the ROOT context on a later event-loop turn (Envoy context.cc grpcCall/grpcStream/
// httpCall and the Grpc*ClientHandler classes; wasm.h callout ids; notes §3.1, §6).
import { MapType, WasmResult } from './abi-enums.ts';
import { HeaderMap } from './header-map.ts';
import type { HeaderPair } from './header-pairs.ts';
import type { RootContext, Vm } from './vm.ts';

export interface GrpcEvents {
  onInitialMetadata(metadata: HeaderPair[]): void;
  onMessage(message: Uint8Array): void;
  onTrailingMetadata(metadata: HeaderPair[]): void;
  /** Remote close or failure; for unary calls only on failure. */
  onClose(code: number, message: string): void;
}

export interface GrpcStreamHandle {
  /** `message` is the transport's from now on (a copy of guest memory that nothing else holds). */
  send(message: Uint8Array, endStream: boolean): void;
  /** Half-close (local end of stream). */
  close(): void;
  cancel(): void;
}

export interface HttpCallResult {
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
}

/** How callouts leave the host: @grpc/grpc-js and node:http in production, fakes in tests. */
export interface CalloutTransport {
  hasCluster(name: string): boolean;
  grpcCall(
    cluster: string,
    path: string,
    metadata: HeaderPair[],
    message: Uint8Array,
    timeoutMs: number,
    events: GrpcEvents,
  ): { cancel(): void };
  grpcStream(cluster: string, path: string, metadata: HeaderPair[], events: GrpcEvents): GrpcStreamHandle;
  /** `undefined` result = failure (reset, timeout): on_http_call_response with zero sizes. */
  httpCall(
    cluster: string,
    headers: HeaderPair[],
    body: Uint8Array,
    trailers: HeaderPair[],
    timeoutMs: number,
    done: (result: HttpCallResult | undefined) => void,
  ): { cancel(): void };
  close?(): Promise<void> | void;
}

/** A transport that knows no cluster: every callout is refused as Envoy refuses unknown ones. */
export const NO_TRANSPORT: CalloutTransport = {
  hasCluster: () => false,
  grpcCall: () => ({ cancel() {} }),
  grpcStream: () => ({ send() {}, close() {}, cancel() {} }),
  httpCall: (_c, _h, _b, _t, _ms, done) => (done(undefined), { cancel() {} }),
};

interface Entry {
  token: number;
  rootId: number;
  kind: 'grpc-call' | 'grpc-stream' | 'http-call';
  handle: { cancel(): void } | GrpcStreamHandle;
  localClosed: boolean;
  remoteClosed: boolean;
}

/** Result of parsing the service argument: a cluster name, or `undefined` when it is not protobuf. */
export function parseGrpcService(bytes: Uint8Array): { cluster: string } | undefined {
  const fields = readMessage(bytes);
  if (!fields) return undefined;
  const envoyGrpc = fields.get(1);
  if (!envoyGrpc) return { cluster: '' };
  const inner = readMessage(envoyGrpc);
  if (!inner) return undefined;
  return { cluster: Buffer.from(inner.get(1) ?? new Uint8Array(0)).toString('utf8') };
}

/**
 * Validates protobuf wire format and returns the last length-delimited value of each field, or
 * undefined when the bytes are not a valid message (how Envoy tells a plain cluster name apart).
 */
function readMessage(bytes: Uint8Array): Map<number, Uint8Array> | undefined {
  const out = new Map<number, Uint8Array>();
  let p = 0;
  const varint = (): number | undefined => {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (p >= bytes.length) return undefined;
      const b = bytes[p++]!;
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return undefined;
  };
  const groups: number[] = [];
  while (p < bytes.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) return undefined;
    if (wire === 0) {
      if (varint() === undefined) return undefined;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const len = varint();
      if (len === undefined || p + len > bytes.length) return undefined;
      if (groups.length === 0) out.set(field, bytes.subarray(p, p + len));
      p += len;
    } else if (wire === 3) groups.push(field);
    else if (wire === 4) {
      if (groups.pop() !== field) return undefined;
    } else return undefined;
    if (p > bytes.length) return undefined;
  }
  return groups.length === 0 ? out : undefined;
}

export class Callouts {
  private readonly entries = new Map<number, Entry>();
  // Envoy wasm.h: the low two bits give the kind (http 0, grpc call 1, grpc stream 2); step 4.
  private nextHttp = 0;
  private nextCall = 1;
  private nextStream = 2;

  constructor(
    private readonly vm: Vm,
    private readonly transport: CalloutTransport,
  ) {}

  get pending(): number {
    return this.entries.size;
  }

  /** Returns a token, or a negated WasmResult. */
  grpcCall(
    rootId: number,
    service: Uint8Array,
    serviceName: string,
    method: string,
    md: HeaderPair[],
    msg: Uint8Array,
    timeoutMs: number,
  ): number {
    const cluster = this.resolveCluster(service);
    if (typeof cluster === 'number') return -cluster;
    const token = this.nextCall;
    this.nextCall += 4;
    const path = `/${serviceName}/${method}`;
    const entry: Entry = { token, rootId, kind: 'grpc-call', handle: { cancel() {} }, localClosed: false, remoteClosed: false };
    this.entries.set(token, entry);
    const events = this.events(entry);
    if (!this.transport.hasCluster(cluster)) {
      this.vm.post(() => this.deliverClose(entry, 14, `cluster ${cluster} not found`));
      return token;
    }
    entry.handle = this.transport.grpcCall(cluster, path, md, msg, timeoutMs, events);
    return token;
  }

  grpcStream(rootId: number, service: Uint8Array, serviceName: string, method: string, md: HeaderPair[]): number {
    const cluster = this.resolveCluster(service);
    if (typeof cluster === 'number') return -cluster;
    const token = this.nextStream;
    this.nextStream += 4;
    const entry: Entry = { token, rootId, kind: 'grpc-stream', handle: { cancel() {} }, localClosed: false, remoteClosed: false };
    this.entries.set(token, entry);
    if (!this.transport.hasCluster(cluster)) {
      this.vm.post(() => this.deliverClose(entry, 14, `cluster ${cluster} not found`));
      return token;
    }
    entry.handle = this.transport.grpcStream(cluster, `/${serviceName}/${method}`, md, this.events(entry));
    return token;
  }

  grpcSend(token: number, message: Uint8Array, endStream: boolean): number {
    if ((token & 3) !== 2) return WasmResult.BadArgument;
    const entry = this.entries.get(token);
    if (!entry) return WasmResult.NotFound;
    if (entry.localClosed) return WasmResult.BadArgument;
    (entry.handle as GrpcStreamHandle).send?.(message, endStream);
    if (endStream) this.localClose(entry);
    return WasmResult.Ok;
  }

  /** Streams: half-close (erased once the remote closes too). Calls: cancel. */
  grpcClose(token: number): number {
    const entry = this.entries.get(token);
    if (!entry || entry.kind === 'http-call') return WasmResult.NotFound;
    if (entry.kind === 'grpc-call') return this.grpcCancel(token);
    this.localClose(entry);
    return WasmResult.Ok;
  }

  /** Cancels and erases at once: no further callbacks for this token. */
  grpcCancel(token: number): number {
    const entry = this.entries.get(token);
    if (!entry || entry.kind === 'http-call') return WasmResult.NotFound;
    this.entries.delete(token);
    entry.handle.cancel();
    return WasmResult.Ok;
  }

  httpCall(rootId: number, cluster: string, headers: HeaderPair[], body: Uint8Array, trailers: HeaderPair[], timeoutMs: number): number {
    if (!this.transport.hasCluster(cluster)) return -WasmResult.BadArgument;
    const map = new HeaderMap(headers);
    // Envoy refuses a callout without :method, :path and :authority.
    if (!map.get(':method') || !map.get(':path') || !map.get(':authority')) return -WasmResult.BadArgument;
    this.nextHttp += 4;
    const token = this.nextHttp;
    const entry: Entry = { token, rootId, kind: 'http-call', handle: { cancel() {} }, localClosed: true, remoteClosed: false };
    this.entries.set(token, entry);
    entry.handle = this.transport.httpCall(cluster, map.pairs(), body, trailers, timeoutMs, (result) =>
      this.vm.post(() => this.deliverHttp(entry, result)),
    );
    return token;
  }

  cancelAll(): void {
    for (const entry of this.entries.values()) entry.handle.cancel();
    this.entries.clear();
  }

  private resolveCluster(service: Uint8Array): string | number {
    const parsed = parseGrpcService(service);
    if (parsed) return parsed.cluster;
    // Not protobuf: Envoy takes the bytes as a cluster name; an unknown one is ParseFailure.
    const name = Buffer.from(service).toString('utf8');
    return this.transport.hasCluster(name) ? name : WasmResult.ParseFailure;
  }

  private localClose(entry: Entry): void {
    if (entry.localClosed) return;
    entry.localClosed = true;
    (entry.handle as GrpcStreamHandle).close?.();
    if (entry.remoteClosed) this.entries.delete(entry.token);
  }

  private root(entry: Entry): RootContext | undefined {
    const root = this.vm.root;
    if (!this.entries.has(entry.token) || !root || root.deleted || root.id !== entry.rootId) return undefined;
    return root;
  }

  private events(entry: Entry): GrpcEvents {
    const post = (f: () => void) => this.vm.post(f);
    return {
      onInitialMetadata: (md) =>
        post(() => this.deliverMetadata(entry, md, MapType.GrpcReceiveInitialMetadata, 'proxy_on_grpc_receive_initial_metadata')),
      onMessage: (message) => post(() => this.deliverMessage(entry, message)),
      onTrailingMetadata: (md) =>
        post(() => this.deliverMetadata(entry, md, MapType.GrpcReceiveTrailingMetadata, 'proxy_on_grpc_receive_trailing_metadata')),
      onClose: (code, message) => post(() => this.deliverClose(entry, code, message)),
    };
  }

  private deliverMetadata(entry: Entry, md: HeaderPair[], type: number, callback: string): void {
    const root = this.root(entry);
    if (!root || entry.kind !== 'grpc-stream') return;
    root.callbackMaps.set(type, new HeaderMap(md));
    try {
      this.vm.callVoid(root, callback, root.id, entry.token, md.length);
    } finally {
      root.callbackMaps.delete(type);
    }
  }

  private deliverMessage(entry: Entry, message: Uint8Array): void {
    const root = this.root(entry);
    if (!root) return;
    // A unary success ends the call: on_grpc_receive only, no on_grpc_close (notes §6).
    if (entry.kind === 'grpc-call') this.entries.delete(entry.token);
    root.callbackBuffer = message;
    try {
      this.vm.callVoid(root, 'proxy_on_grpc_receive', root.id, entry.token, message.length);
    } finally {
      root.callbackBuffer = undefined;
    }
  }

  private deliverClose(entry: Entry, code: number, message: string): void {
    const root = this.root(entry);
    if (!root) return;
    entry.remoteClosed = true;
    if (entry.kind === 'grpc-call' || entry.localClosed) this.entries.delete(entry.token);
    this.vm.status = { code, message };
    this.vm.callVoid(root, 'proxy_on_grpc_close', root.id, entry.token, code);
  }

  private deliverHttp(entry: Entry, result: HttpCallResult | undefined): void {
    const root = this.root(entry);
    if (!root) return;
    this.entries.delete(entry.token);
    const headers = result?.headers ?? [];
    const trailers = result?.trailers ?? [];
    root.callbackMaps.set(MapType.HttpCallResponseHeaders, new HeaderMap(headers));
    root.callbackMaps.set(MapType.HttpCallResponseTrailers, new HeaderMap(trailers));
    root.callbackBuffer = result?.body ?? new Uint8Array(0);
    try {
      this.vm.callVoid(
        root,
        'proxy_on_http_call_response',
        root.id,
        entry.token,
        headers.length,
        root.callbackBuffer.length,
        trailers.length,
      );
    } finally {
      root.callbackMaps.clear();
      root.callbackBuffer = undefined;
    }
  }
}
