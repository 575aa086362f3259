// One HTTP stream through the filter, driven the way Envoy's filter manager drives a wasm HTTP
// filter (envoy context.cc decodeHeaders/decodeData/..., cpp-host context.cc status conversions;
// notes §2.3, §2.4, §4, §5). The caller feeds what arrives from downstream/upstream; the stream
// emits what Envoy would pass on: 'request-headers' | 'request-data' | 'request-trailers' towards
// the upstream, 'response-headers' | 'response-data' | 'response-trailers' towards the client, or
// 'local-reply' / 'reset'. Each feed method also returns what happened to that step.
import { EventEmitter } from 'node:events';
import { BufferType, DataStatus, HeadersStatus, MapType, StreamType, WasmResult } from './abi-enums.ts';
import type { BufferAccess, ContextHost, LocalReply, PropertyValue } from './context-types.ts';
import { HeaderMap } from './header-map.ts';
import type { HeaderPair } from './header-pairs.ts';
import type { Vm } from './vm.ts';

export interface StreamInfo {
  /** "ip:port" of the client, as Envoy's source.address. */
  sourceAddress?: string;
  destinationAddress?: string;
  /**
   * "ip:port" of the upstream connection, as Envoy's upstream.address; usually unknown when the
   * stream starts, so a proxy reports it with upstreamConnected() once it has connected.
   */
  upstreamAddress?: string;
  connectionId?: number;
  /** "HTTP/1.1", "HTTP/2". */
  protocol?: string;
}

export type StepAction = 'continue' | 'stop' | 'local-reply' | 'reset';
export interface StepResult {
  action: StepAction;
  /** The local reply as sent to the client, when action is 'local-reply'. */
  localReply?: SentLocalReply;
}

export interface SentLocalReply {
  status: number;
  headers: HeaderPair[];
  body: Uint8Array;
  details: string;
}

/** Counters the stream bumps; names are listed in docs/proxy-wasm-host.md. */
export interface StreamMetrics {
  bump(name: string, delta?: number): void;
}

const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * One direction (request or response) of the stream as seen by this filter; also its body as the
 * hostcalls see it (one object per side, not closures made per body read).
 */
class Side implements BufferAccess {
  headers: HeaderMap | undefined;
  headersVisible = false;
  headersEnd = false;
  headersSent = false;
  /** Headers returned StopAllIteration: nothing reaches the filter until continue. */
  stoppedAll = false;
  /** Headers returned StopIteration (allow_on_headers_stop_iteration): body still flows in. */
  headersHeld = false;
  body: Uint8Array = EMPTY;
  bodyVisible = false;
  /** The last body return asked Envoy to buffer (1) or watermark-buffer (2). */
  buffering = false;
  enforceLimit = false;
  dataHeld = false;
  pending: Uint8Array[] = [];
  pendingEnd = false;
  pendingTrailers: HeaderPair[] | undefined;
  trailers: HeaderMap | undefined;
  trailersVisible = false;
  trailersHeld = false;
  ended = false;
  /** Body bytes received so far (request.size / response.size). */
  received = 0;

  bytes(): Uint8Array {
    return this.body;
  }

  /** Envoy Buffer semantics: start 0 drains `length` bytes and prepends, start >= size appends. */
  set(start: number, length: number, data: Uint8Array): number {
    if (start === 0) this.body = concat(data, this.body.subarray(Math.min(length, this.body.length)));
    else if (start >= this.body.length) this.body = concat(this.body, data);
    else return WasmResult.BadArgument;
    return WasmResult.Ok;
  }
}

export class HttpStream extends EventEmitter implements ContextHost {
  readonly isRoot = false;
  readonly id: number;
  readonly rootId: number;
  private created = false;
  private finished = false;
  private localReplied = false;
  private inLocalReply = false;
  private pendingLocalReply: LocalReply | undefined;
  private readonly req = new Side();
  private readonly res = new Side();
  private readonly properties = new Map<string, Uint8Array>();
  private lastLocalReply: SentLocalReply | undefined;
  private responseDetails = '';
  private upstreamAddress: string | undefined;
  /** Set when the step being run ended in a stop (StepResult.action). */
  private stopped = false;

  constructor(
    readonly vm: Vm,
    private readonly info: StreamInfo,
    private readonly metrics: StreamMetrics,
  ) {
    super();
    this.upstreamAddress = info.upstreamAddress;
    this.id = vm.allocContextId();
    this.rootId = vm.root.id;
    vm.registerContext(this);
  }

  /**
   * The upstream connection this stream's request went to ("ip:port", "[v6]:port"); from now on
   * the filter reads it as upstream.address / upstream.port, as in Envoy once a host is connected.
   */
  upstreamConnected(address: string): void {
    this.upstreamAddress = address;
  }

  /** Request headers (lower-case names, pseudo-headers included) arriving from downstream. */
  requestHeaders(headers: Iterable<HeaderPair>, endOfStream: boolean): StepResult {
    return this.run(() => this.onHeaders(this.req, new HeaderMap(headers), endOfStream));
  }

  requestBody(chunk: Uint8Array, endOfStream: boolean): StepResult {
    return this.run(() => this.onData(this.req, chunk, endOfStream));
  }

  requestTrailers(trailers: Iterable<HeaderPair>): StepResult {
    return this.run(() => this.onTrailers(this.req, [...trailers]));
  }

  responseHeaders(headers: Iterable<HeaderPair>, endOfStream: boolean): StepResult {
    return this.run(() => this.onHeaders(this.res, new HeaderMap(headers), endOfStream));
  }

  responseBody(chunk: Uint8Array, endOfStream: boolean): StepResult {
    return this.run(() => this.onData(this.res, chunk, endOfStream));
  }

  responseTrailers(trailers: Iterable<HeaderPair>): StepResult {
    return this.run(() => this.onTrailers(this.res, [...trailers]));
  }

  /** Stream end: on_log → on_done → on_delete, Envoy's order (notes §2.4, §8.8). */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.vm.failed) {
      this.ensureCreated();
      this.vm.callVoid(this, 'proxy_on_log', this.id);
      this.vm.call(this, 'proxy_on_done', this.id);
      this.vm.callVoid(this, 'proxy_on_delete', this.id);
    }
    this.vm.unregisterContext(this.id);
    this.vm.drainAfterCall();
  }

  get isDone(): boolean {
    return this.finished;
  }

  /**
   * True while request data is held under flow control (headers StopAll, or a watermark stop):
   * a proxy should stop reading from the client until the stream moves again, as Envoy's
   * watermarks do. Buffering stops (StopIterationAndBuffer) keep reading so the limit can apply.
   */
  get requestWatermarked(): boolean {
    return this.req.stoppedAll || (this.req.dataHeld && !this.req.enforceLimit);
  }

  /** The request headers map (what the filter left in it). */
  get requestHeaderMap(): HeaderMap | undefined {
    return this.req.headers;
  }
  get responseHeaderMap(): HeaderMap | undefined {
    return this.res.headers;
  }

  // ---- ContextHost: what hostcalls see while this stream is the (effective) context.

  headerMap(type: number): HeaderMap | undefined {
    switch (type) {
      case MapType.HttpRequestHeaders:
        return this.req.headersVisible ? this.req.headers : undefined;
      case MapType.HttpResponseHeaders:
        return this.res.headersVisible ? this.res.headers : undefined;
      case MapType.HttpRequestTrailers:
        return this.req.trailersVisible ? this.req.trailers : undefined;
      case MapType.HttpResponseTrailers:
        return this.res.trailersVisible ? this.res.trailers : undefined;
      default:
        return undefined;
    }
  }

  buffer(type: number): BufferAccess | undefined {
    const side = type === BufferType.HttpRequestBody ? this.req : type === BufferType.HttpResponseBody ? this.res : undefined;
    return side?.bodyVisible ? side : undefined;
  }

  property(path: string): PropertyValue | undefined {
    const set = this.properties.get(path);
    if (set) return set;
    const h = this.req.headers;
    switch (path) {
      case 'request.path':
        return h?.get(':path');
      case 'request.url_path':
        return h?.get(':path')?.split('?')[0];
      case 'request.query': {
        const rawPath = h?.get(':path');
        const i = rawPath?.indexOf('?') ?? -1;
        return i >= 0 ? rawPath!.slice(i + 1) : '';
      }
      case 'request.host':
        return h?.get(':authority');
      case 'request.scheme':
        return h?.get(':scheme');
      case 'request.method':
        return h?.get(':method');
      case 'request.headers':
        return h?.pairs();
      case 'request.referer':
        return h?.get('referer');
      case 'request.useragent':
        return h?.get('user-agent');
      case 'request.id':
        return h?.get('x-request-id');
      case 'request.protocol':
        return this.info.protocol ?? 'HTTP/1.1';
      case 'request.size':
      case 'request.total_size':
        return BigInt(this.req.received);
      case 'response.code': {
        const s = this.res.headers?.get(':status');
        return s === undefined ? undefined : BigInt(Number(s) || 0);
      }
      case 'response.code_details':
        return this.responseDetails || undefined;
      case 'response.headers':
        return this.res.headers?.pairs();
      case 'response.trailers':
        return this.res.trailers?.pairs();
      case 'response.size':
      case 'response.total_size':
        return BigInt(this.res.received);
      case 'source.address':
        return this.info.sourceAddress;
      case 'source.port':
        return portOf(this.info.sourceAddress);
      case 'destination.address':
        return this.info.destinationAddress;
      case 'destination.port':
        return portOf(this.info.destinationAddress);
      case 'upstream.address':
        return this.upstreamAddress;
      case 'upstream.port':
        return portOf(this.upstreamAddress);
      case 'connection_id':
        return this.info.connectionId === undefined ? undefined : BigInt(this.info.connectionId);
      case 'connection.mtls':
        return false;
      default:
        return undefined;
    }
  }

  setProperty(path: string, value: Uint8Array): number {
    this.properties.set(path, value);
    return WasmResult.Ok;
  }

  sendLocalResponse(reply: LocalReply): number {
    if (this.inLocalReply || this.localReplied) return WasmResult.Ok;
    // Deferred until the VM call returns, and it overrides that callback's status (notes §5).
    this.pendingLocalReply = reply;
    this.vm.deferAfterCall(() => this.flushLocalReply());
    return WasmResult.Ok;
  }

  continueStream(type: number): number {
    if (type !== StreamType.HttpRequest && type !== StreamType.HttpResponse) return WasmResult.BadArgument;
    const side = type === StreamType.HttpRequest ? this.req : this.res;
    this.vm.deferAfterCall(() => {
      if (!this.finished && !this.localReplied) this.resume(side);
    });
    return WasmResult.Ok;
  }

  closeStream(type: number): number {
    if (type !== StreamType.HttpRequest && type !== StreamType.HttpResponse) return WasmResult.BadArgument;
    this.vm.deferAfterCall(() => this.reset('closed by filter'));
    return WasmResult.Ok;
  }

  // ---- internals

  private run(step: () => void): StepResult {
    if (this.finished || this.localReplied) return { action: this.localReplied ? 'local-reply' : 'reset', localReply: this.lastLocalReply };
    this.stopped = false;
    step();
    this.vm.drainAfterCall();
    if (this.localReplied) return { action: 'local-reply', localReply: this.lastLocalReply };
    if (this.finished) return { action: 'reset' };
    return { action: this.stopped ? 'stop' : 'continue' };
  }

  private ensureCreated(): boolean {
    if (!this.created) {
      this.created = true;
      return this.vm.callVoid(this, 'proxy_on_context_create', this.id, this.rootId);
    }
    return !this.vm.failed;
  }

  /** Calls a filter callback; `null` means the VM failed and the stream was handled as Envoy does. */
  private callFilter(name: string, ...args: number[]): number | null {
    if (!this.ensureCreated() || this.vm.failed) return this.failStream();
    const raw = this.vm.call(this, name, ...args);
    if (raw === null) return this.failStream();
    return raw ?? 0;
  }

  /** VM failed: fail-open bypasses the filter, fail-closed answers 503 wasm_fail_stream. */
  private failStream(): number | null {
    if (this.vm.plugin.failOpen) {
      this.metrics.bump('wasm.fail_open_bypass');
      return 0;
    }
    this.metrics.bump('wasm.fail_closed');
    this.localReply(
      { status: 503, details: 'wasm_fail_stream', body: EMPTY, headers: [], grpcStatus: undefined },
      /* throughFilter */ false,
    );
    return null;
  }

  private onHeaders(side: Side, headers: HeaderMap, endOfStream: boolean): void {
    side.headers = headers;
    side.headersEnd = endOfStream;
    side.ended = endOfStream;
    side.headersVisible = true;
    const isReq = side === this.req;
    const raw = this.callFilter(
      isReq ? 'proxy_on_request_headers' : 'proxy_on_response_headers',
      this.id,
      headers.size,
      endOfStream ? 1 : 0,
    );
    if (raw === null) return;
    if (this.pendingLocalReply) return this.stop();
    // cpp-host: >4 or 1 (unless allow_on_headers_stop_iteration) → StopAllIterationAndWatermark;
    // Envoy: 2 (ContinueAndEndStream) falls to Continue.
    if (raw === HeadersStatus.Continue || raw === HeadersStatus.ContinueAndEndStream) return this.forwardHeaders(side);
    if (raw === HeadersStatus.StopIteration && this.vm.plugin.allowOnHeadersStopIteration && !endOfStream) {
      side.headersHeld = true;
      return this.stop();
    }
    side.stoppedAll = true;
    this.stop();
  }

  private onData(side: Side, chunk: Uint8Array, endOfStream: boolean): void {
    side.ended = endOfStream;
    side.received += chunk.length;
    if (side.stoppedAll) {
      // StopAllIterationAndWatermark: Envoy holds the data under flow control until continue.
      side.pending.push(chunk);
      side.pendingEnd = endOfStream;
      return this.stop();
    }
    this.deliverData(side, chunk, endOfStream);
  }

  private deliverData(side: Side, chunk: Uint8Array, endOfStream: boolean): void {
    const isReq = side === this.req;
    side.body = side.buffering ? concat(side.body, chunk) : chunk;
    if (side.buffering && side.enforceLimit && side.body.length > this.vm.plugin.bufferLimitBytes) return this.tooLarge(side);
    side.bodyVisible = true;
    // With end of stream and no trailers the filter may add trailers (Envoy addDecodedTrailers).
    if (endOfStream && !side.trailers) {
      side.trailers = new HeaderMap();
      side.trailersVisible = true;
    }
    const raw = this.callFilter(isReq ? 'proxy_on_request_body' : 'proxy_on_response_body', this.id, side.body.length, endOfStream ? 1 : 0);
    side.trailersVisible = false;
    if (raw === null) return;
    if (this.pendingLocalReply) return this.stop();
    if (raw === DataStatus.Continue) {
      side.buffering = false;
      side.dataHeld = false;
      return this.forwardData(side, endOfStream);
    }
    if (raw === DataStatus.StopIterationAndBuffer || raw === DataStatus.StopIterationAndWatermark) {
      side.buffering = true;
      side.dataHeld = true;
      // Buffer (1) is bounded by the stream's buffer limit; watermark (2) applies flow control.
      side.enforceLimit = raw === DataStatus.StopIterationAndBuffer;
      if (side.enforceLimit && side.body.length > this.vm.plugin.bufferLimitBytes) return this.tooLarge(side);
      return this.stop();
    }
    // StopIterationNoBuffer (3, and anything larger): the chunk is the filter's; nothing is kept.
    side.body = EMPTY;
    side.buffering = false;
    this.stop();
  }

  private onTrailers(side: Side, trailers: HeaderPair[]): void {
    side.ended = true;
    if (side.stoppedAll) {
      side.pendingTrailers = trailers;
      return this.stop();
    }
    this.deliverTrailers(side, trailers);
  }

  private deliverTrailers(side: Side, trailers: HeaderPair[]): void {
    side.trailers = new HeaderMap(trailers);
    side.trailersVisible = true;
    const isReq = side === this.req;
    const raw = this.callFilter(isReq ? 'proxy_on_request_trailers' : 'proxy_on_response_trailers', this.id, side.trailers.size);
    if (raw === null) return;
    if (this.pendingLocalReply) return this.stop();
    if (raw === 0) return this.forwardTrailers(side);
    side.trailersHeld = true;
    this.stop();
  }

  private forwardHeaders(side: Side): void {
    side.headersHeld = false;
    side.stoppedAll = false;
    // Envoy clears its pointer to the map once the headers have continued (notes §3.1).
    side.headersVisible = false;
    if (side.headersSent) return;
    side.headersSent = true;
    this.emit(side === this.req ? 'request-headers' : 'response-headers', side.headers, side.headersEnd);
  }

  private forwardData(side: Side, endOfStream: boolean): void {
    if (side.headersHeld) this.forwardHeaders(side);
    const data = side.body;
    side.body = EMPTY;
    side.bodyVisible = false;
    const addedTrailers = endOfStream && side.trailers && side.trailers.size > 0;
    this.emit(side === this.req ? 'request-data' : 'response-data', data, endOfStream && !addedTrailers);
    if (addedTrailers) this.forwardTrailers(side);
  }

  private forwardTrailers(side: Side): void {
    if (side.headersHeld) this.forwardHeaders(side);
    if (side.dataHeld || side.body.length > 0) {
      side.dataHeld = false;
      side.buffering = false;
      const data = side.body;
      side.body = EMPTY;
      this.emit(side === this.req ? 'request-data' : 'response-data', data, false);
    }
    side.trailersVisible = false;
    side.trailersHeld = false;
    this.emit(side === this.req ? 'request-trailers' : 'response-trailers', side.trailers);
  }

  /** proxy_continue_stream: resume where the filter stopped (Envoy commonContinue). */
  private resume(side: Side): void {
    if (side.stoppedAll) {
      this.forwardHeaders(side);
      // Data held meanwhile is dispatched to this filter first (iterate_from_current_filter_).
      if (side.pending.length > 0 || (side.pendingEnd && !side.pendingTrailers)) {
        const data = side.pending.reduce(concat, EMPTY);
        side.pending = [];
        this.deliverData(side, data, side.pendingEnd && !side.pendingTrailers);
      }
      if (side.pendingTrailers && !side.dataHeld && !this.localReplied) {
        const t = side.pendingTrailers;
        side.pendingTrailers = undefined;
        this.deliverTrailers(side, t);
      }
      return;
    }
    if (side.headersHeld) this.forwardHeaders(side);
    if (side.trailersHeld) return this.forwardTrailers(side);
    if (side.dataHeld) {
      side.dataHeld = false;
      side.buffering = false;
      const data = side.body;
      side.body = EMPTY;
      side.bodyVisible = false;
      const end = side.ended && !side.trailers?.size;
      this.emit(side === this.req ? 'request-data' : 'response-data', data, end);
    }
  }

  private tooLarge(side: Side): void {
    if (side === this.req) {
      this.metrics.bump('downstream_rq_too_large');
      this.localReply(
        { status: 413, details: 'request_payload_too_large', body: Buffer.from('Payload Too Large'), headers: [], grpcStatus: undefined },
        false,
      );
      return;
    }
    this.metrics.bump('rs_too_large');
    if (!this.res.headersSent) {
      this.localReply(
        {
          status: 500,
          details: 'response_payload_too_large',
          body: Buffer.from('Internal Server Error'),
          headers: [],
          grpcStatus: undefined,
        },
        false,
      );
    } else this.reset('response_payload_too_large');
  }

  private stop(): void {
    this.stopped = true;
  }

  private flushLocalReply(): void {
    const reply = this.pendingLocalReply;
    this.pendingLocalReply = undefined;
    if (reply && !this.finished) this.localReply(reply, true);
  }

  /**
   * Sends a local reply as Envoy's sendLocalReply does: :status, the filter's headers, then
   * content-length and (when none was set) content-type; the reply passes through this filter's
   * response callbacks unless the VM failed. After response headers went out, the stream is reset.
   */
  private localReply(reply: LocalReply, throughFilter: boolean): void {
    if (this.localReplied) return;
    if (this.res.headersSent) return this.reset(`local reply ${reply.status} after response headers were sent`);
    this.localReplied = true;
    this.responseDetails = reply.details;
    const headers = new HeaderMap([[':status', String(reply.status)]]);
    for (const [k, v] of reply.headers) headers.add(k, v);
    if (reply.grpcStatus !== undefined) {
      headers.replace(':status', '200');
      if (!headers.get('content-type')) headers.add('content-type', 'application/grpc');
      headers.add('grpc-status', String(reply.grpcStatus));
      if (reply.body.length > 0) headers.add('grpc-message', encodeURIComponent(Buffer.from(reply.body).toString('utf8')));
    } else {
      headers.add('content-length', String(reply.body.length));
      if (reply.body.length > 0 && !headers.get('content-type')) headers.add('content-type', 'text/plain');
    }
    let body = reply.grpcStatus !== undefined ? EMPTY : reply.body;
    if (throughFilter && !this.vm.failed) {
      this.inLocalReply = true;
      const side = this.res;
      side.headers = headers;
      side.headersVisible = true;
      this.vm.call(this, 'proxy_on_response_headers', this.id, headers.size, body.length === 0 ? 1 : 0);
      side.headersVisible = false;
      if (body.length > 0 && !this.vm.failed) {
        side.body = body;
        side.bodyVisible = true;
        this.vm.call(this, 'proxy_on_response_body', this.id, body.length, 1);
        body = side.body;
        side.bodyVisible = false;
      }
      this.inLocalReply = false;
    }
    const status = Number(headers.get(':status')) || reply.status;
    const sent: SentLocalReply = {
      status,
      headers: headers.pairs().filter(([k]) => k !== ':status'),
      body,
      details: reply.details,
    };
    this.res.headersSent = true;
    this.lastLocalReply = sent;
    this.emit('local-reply', sent);
  }

  private reset(reason: string): void {
    if (this.finished) return;
    this.emit('reset', reason);
    this.done();
  }
}

function portOf(address: string | undefined): bigint | undefined {
  if (!address) return undefined;
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  return i >= 0 && Number.isInteger(port) ? BigInt(port) : undefined;
}
