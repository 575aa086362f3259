// Exported Proxy-Wasm callbacks (notes §2.2): each one routes to the context registry. Signatures
// must match cpp-host's exactly or the VM fails with "Bad function signature" (notes §2.1).
import { Action } from "./types";
import { createContext, deleteContext, httpContext, rootContext } from "./context";
import { enterCallback, leaveCallback, noteInputBytes } from "./collector";
import { scratchBlock, scratchWanted } from "./scratch";
import { forgetTime } from "./host";

/** The first statement of an exported callback (all but the allocator). */
function enter(): void {
  enterCallback();
  forgetTime();
}

// cpp-host finds the ABI version by a *function* export named proxy_abi_version_0_2_1 (notes §2.1);
// it is never called.
export function proxy_abi_version_0_2_1(): void {}

// The host allocates inside the module for every value it returns (notes §3). Each block is a
// pinned ArrayBuffer, as solo-io/proxy-runtime's malloc makes them: abi/host.ts unpins it and hands
// the very object on, so a header map or a body is not copied a second time. It never collects
// (abi/collector.ts): a hostcall is in progress, with the caller's values on the stack.
export function proxy_on_memory_allocate(size: usize): usize {
  if (scratchWanted) return scratchBlock(size);
  noteInputBytes(size);
  return __pin(__new(size, idof<ArrayBuffer>()));
}

export function proxy_on_context_create(contextId: u32, parentId: u32): void {
  enter();
  createContext(contextId, parentId);
  leaveCallback();
}

export function proxy_on_vm_start(rootId: u32, vmConfigSize: u32): u32 {
  enter();
  const root = rootContext(rootId);
  return done(root === null || root.onVmStart(vmConfigSize) ? 1 : 0);
}

export function proxy_on_configure(rootId: u32, configSize: u32): u32 {
  enter();
  const root = rootContext(rootId);
  return done(root !== null && root.onConfigure(configSize) ? 1 : 0);
}

export function proxy_on_tick(rootId: u32): void {
  enter();
  const root = rootContext(rootId);
  if (root !== null) root.onTick();
  leaveCallback();
}

export function proxy_on_grpc_receive_initial_metadata(rootId: u32, token: u32, count: u32): void {
  enter();
  const root = rootContext(rootId);
  if (root !== null) root.onGrpcReceiveInitialMetadata(token, count);
  leaveCallback();
}

export function proxy_on_grpc_receive(rootId: u32, token: u32, size: u32): void {
  enter();
  const root = rootContext(rootId);
  if (root !== null) root.onGrpcReceive(token, size);
  leaveCallback();
}

export function proxy_on_grpc_receive_trailing_metadata(rootId: u32, token: u32, count: u32): void {
  enter();
  const root = rootContext(rootId);
  if (root !== null) root.onGrpcReceiveTrailingMetadata(token, count);
  leaveCallback();
}

export function proxy_on_grpc_close(rootId: u32, token: u32, status: u32): void {
  enter();
  const root = rootContext(rootId);
  if (root !== null) root.onGrpcClose(token, status);
  leaveCallback();
}

export function proxy_on_request_headers(contextId: u32, count: u32, endOfStream: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onRequestHeaders(count, endOfStream != 0) : Action.Continue);
}

export function proxy_on_request_body(contextId: u32, size: u32, endOfStream: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onRequestBody(size, endOfStream != 0) : Action.Continue);
}

export function proxy_on_request_trailers(contextId: u32, count: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onRequestTrailers(count) : Action.Continue);
}

export function proxy_on_response_headers(contextId: u32, count: u32, endOfStream: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onResponseHeaders(count, endOfStream != 0) : Action.Continue);
}

export function proxy_on_response_body(contextId: u32, size: u32, endOfStream: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onResponseBody(size, endOfStream != 0) : Action.Continue);
}

export function proxy_on_response_trailers(contextId: u32, count: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  return done(ctx !== null ? ctx.onResponseTrailers(count) : Action.Continue);
}

// Envoy calls on_log before on_done and on_delete (notes §8.8), and may call it for a stream that
// saw no request headers.
export function proxy_on_log(contextId: u32): void {
  enter();
  const ctx = httpContext(contextId);
  if (ctx !== null) ctx.onLog();
  leaveCallback();
}

export function proxy_on_done(contextId: u32): u32 {
  enter();
  const ctx = httpContext(contextId);
  if (ctx !== null) return done(ctx.onDone() ? 1 : 0);
  const root = rootContext(contextId);
  return done(root === null || root.onDone() ? 1 : 0);
}

export function proxy_on_delete(contextId: u32): void {
  enter();
  deleteContext(contextId);
  leaveCallback();
}

/** The result of a callback that returns one, after leaving it (a collection may be due: collector.ts). */
function done(result: u32): u32 {
  leaveCallback();
  return result;
}
