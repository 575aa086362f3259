// Context registry (the "dispatcher"): the host names contexts by id; this file maps ids to
// objects. A root context (parent 0) is the plugin instance: configuration, timers and every
// gRPC callback arrive on it (notes §2.4, §6). A stream context is one HTTP exchange.
// Envoy may deliver callbacks for ids we never saw or already deleted (notes §8.8): unknown ids
// are ignored with the callback's default, never a trap.
import { Action } from "./types";

export class RootContext {
  constructor(public id: u32) {}
  onVmStart(vmConfigSize: u32): bool {
    return true;
  }
  onConfigure(configSize: u32): bool {
    return true;
  }
  onTick(): void {}
  onGrpcReceiveInitialMetadata(token: u32, count: u32): void {}
  onGrpcReceive(token: u32, size: u32): void {}
  onGrpcReceiveTrailingMetadata(token: u32, count: u32): void {}
  onGrpcClose(token: u32, status: u32): void {}
  onDone(): bool {
    return true;
  }
  onDelete(): void {}
  /** Creates the stream context for an HTTP exchange; null = do not take part in this stream. */
  newHttpContext(id: u32): HttpContext | null {
    return null;
  }
}

export class HttpContext {
  constructor(
    public id: u32,
    public rootId: u32,
  ) {}
  onRequestHeaders(count: u32, endOfStream: bool): u32 {
    return Action.Continue;
  }
  onRequestBody(size: u32, endOfStream: bool): u32 {
    return Action.Continue;
  }
  onRequestTrailers(count: u32): u32 {
    return Action.Continue;
  }
  onResponseHeaders(count: u32, endOfStream: bool): u32 {
    return Action.Continue;
  }
  onResponseBody(size: u32, endOfStream: bool): u32 {
    return Action.Continue;
  }
  onResponseTrailers(count: u32): u32 {
    return Action.Continue;
  }
  onLog(): void {}
  onDone(): bool {
    return true;
  }
  onDelete(): void {}
}

/** Creates the plugin's root context; set once by the filter at module start. */
export type RootFactory = (id: u32) => RootContext;

let rootFactory: RootFactory | null = null;
const roots = new Map<u32, RootContext>();
const streams = new Map<u32, HttpContext>();
/**
 * The stream context found last: an exchange's callbacks come one after another, so most lookups
 * are for it (two map lookups each otherwise). Never a deleted one: deleteContext() forgets it.
 */
let lastStreamId: u32 = 0;
let lastStream: HttpContext | null = null;

export function setRootFactory(factory: RootFactory): void {
  rootFactory = factory;
}

export function createContext(id: u32, parentId: u32): void {
  if (parentId == 0) {
    const factory = rootFactory;
    roots.set(id, factory !== null ? factory(id) : new RootContext(id));
    return;
  }
  if (!roots.has(parentId)) return;
  const stream = roots.get(parentId).newHttpContext(id);
  if (stream !== null) {
    streams.set(id, stream);
    lastStreamId = id;
    lastStream = stream;
  }
}

export function rootContext(id: u32): RootContext | null {
  return roots.has(id) ? roots.get(id) : null;
}

export function httpContext(id: u32): HttpContext | null {
  const last = lastStream;
  if (last !== null && id == lastStreamId) return last;
  if (!streams.has(id)) return null;
  const stream = streams.get(id);
  lastStreamId = id;
  lastStream = stream;
  return stream;
}

export function deleteContext(id: u32): void {
  if (id == lastStreamId) lastStream = null;
  if (streams.has(id)) {
    streams.get(id).onDelete();
    streams.delete(id);
  } else if (roots.has(id)) {
    roots.get(id).onDelete();
    roots.delete(id);
  }
}

/** Number of live stream contexts (for tests of the lifecycle). */
export function liveStreams(): i32 {
  return streams.size;
}
