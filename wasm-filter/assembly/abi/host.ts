// Typed wrappers over the raw hostcalls (the "hostcalls" layer, like proxy-wasm-rust-sdk's
// hostcalls.rs): strings and ArrayBuffers in, values and one status code out. Every buffer the
// host returns was allocated through proxy_on_memory_allocate (notes §3) as a pinned ArrayBuffer;
// it is unpinned here, once, and handed on as a managed object, so no other file sees raw memory.
import * as raw from "./imports";
import { GrpcStatus, MapType, WasmResult } from "./types";
import { HeaderPair, PairStrings, decodePairs, encodePairs } from "./pairs";
import { isScratch, wantScratch } from "./scratch";

// Out-parameters of hostcalls. Callbacks never nest (the host is single-threaded per VM and the
// allocator does not touch these), so one static scratch area is enough.
const RET_PTR: usize = memory.data(8);
const RET_SIZE: usize = memory.data(8);
const RET_EXTRA: usize = memory.data(8);

/** Request header strings of the last request, reused when the next one repeats them. */
const REQUEST_HEADER_STRINGS = new PairStrings();
/** The same for response headers: an upstream answers with the same names, often the same values. */
const RESPONSE_HEADER_STRINGS = new PairStrings();

/** Status of the last wrapper call that returned a value rather than a status. */
export let lastStatus: u32 = WasmResult.Ok;

function takeBuffer(): ArrayBuffer | null {
  const ptr = load<usize>(RET_PTR);
  const size = load<u32>(RET_SIZE);
  if (ptr == 0) return size == 0 ? new ArrayBuffer(0) : null;
  __unpin(ptr);
  const block = changetype<ArrayBuffer>(ptr);
  // The host fills what it allocated; a shorter report gets an exact copy, never a longer view.
  return <u32>block.byteLength == size ? block : block.slice(0, <i32>min(size, <u32>block.byteLength));
}

function clearRet(): void {
  store<usize>(RET_PTR, 0);
  store<u32>(RET_SIZE, 0);
}

export function log(level: u32, message: string): void {
  const bytes = String.UTF8.encode(message);
  raw.proxy_log(level, changetype<usize>(bytes), bytes.byteLength);
}

/**
 * The time read first in the callback running now (0: none yet). A callback runs for microseconds
 * and waits for nothing, so its reads share one hostcall: an exchange's start and its rate-limit
 * bucket read the same instant. Forgotten when the next callback starts (exports.ts).
 */
let callbackNanos: u64 = 0;

/** A callback starts: the next time read asks the host. */
export function forgetTime(): void {
  callbackNanos = 0;
}

/** Wall-clock time in nanoseconds since the epoch (Envoy: systemTime), read once per callback. */
export function nowNanos(): u64 {
  if (callbackNanos != 0) return callbackNanos;
  store<u64>(RET_EXTRA, 0);
  raw.proxy_get_current_time_nanoseconds(RET_EXTRA);
  callbackNanos = load<u64>(RET_EXTRA);
  return callbackNanos;
}

export function nowMillis(): u64 {
  return nowNanos() / 1_000_000;
}

/** Bytes [start, start+length) of a buffer; the host clamps to the available size. */
export function getBufferBytes(bufferType: u32, start: u32, length: u32): ArrayBuffer | null {
  clearRet();
  lastStatus = raw.proxy_get_buffer_bytes(bufferType, start, length, RET_PTR, RET_SIZE);
  if (lastStatus != WasmResult.Ok) return null;
  return takeBuffer();
}

/** Bytes lent by readBufferBytes: valid until the next readBufferBytes (abi/scratch.ts). */
export class LentBytes {
  ptr: usize = 0;
  length: usize = 0;
}
const LENT = new LentBytes();
let lentOwner: ArrayBuffer | null = null;

/**
 * getBufferBytes into the reused scratch block instead of a new buffer: for bodies, which are only
 * read during the callback. Null when the host refuses (lastStatus says why).
 */
export function readBufferBytes(bufferType: u32, start: u32, length: u32): LentBytes | null {
  clearRet();
  wantScratch(true);
  lastStatus = raw.proxy_get_buffer_bytes(bufferType, start, length, RET_PTR, RET_SIZE);
  wantScratch(false); // the host may have returned without allocating
  if (lastStatus != WasmResult.Ok) return null;
  const ptr = load<usize>(RET_PTR);
  const size = load<u32>(RET_SIZE);
  if (ptr == 0) {
    if (size != 0) return null;
    LENT.ptr = 0;
    LENT.length = 0;
    return LENT;
  }
  // A second allocation in one hostcall gets an ordinary block: keep it alive while it is lent.
  lentOwner = null;
  if (!isScratch(ptr)) {
    __unpin(ptr);
    lentOwner = changetype<ArrayBuffer>(ptr);
  }
  LENT.ptr = ptr;
  LENT.length = min(<usize>size, <usize>changetype<ArrayBuffer>(ptr).byteLength);
  return LENT;
}

export function setBufferBytes(bufferType: u32, start: u32, length: u32, data: ArrayBuffer): u32 {
  return raw.proxy_set_buffer_bytes(bufferType, start, length, changetype<usize>(data), data.byteLength);
}

/** The whole map; `reuse`: a list of an earlier call nothing reads any more (refilled, see decodePairs). */
export function getHeaderPairs(mapType: u32, reuse: Array<HeaderPair> | null = null): Array<HeaderPair> {
  clearRet();
  lastStatus = raw.proxy_get_header_map_pairs(mapType, RET_PTR, RET_SIZE);
  if (lastStatus != WasmResult.Ok || load<usize>(RET_PTR) == 0) return new Array<HeaderPair>();
  // The map's buffer stays alive with the pairs, so their values' bytes can be scanned in place.
  const block = takeBuffer()!;
  const strings = mapType == MapType.HttpRequestHeaders ? REQUEST_HEADER_STRINGS : mapType == MapType.HttpResponseHeaders ? RESPONSE_HEADER_STRINGS : null;
  return decodePairs(changetype<usize>(block), <usize>block.byteLength, block, strings, reuse);
}

export function getHeader(mapType: u32, name: string): string | null {
  return headerValue(mapType, String.UTF8.encode(name));
}

/** A header name encoded once, for lookups made on every exchange. */
export class HeaderName {
  readonly bytes: ArrayBuffer;

  constructor(name: string) {
    this.bytes = String.UTF8.encode(name);
  }
}

/** The value of the header whose name is `key` (UTF-8), null when absent or refused. */
function headerValue(mapType: u32, key: ArrayBuffer): string | null {
  clearRet();
  lastStatus = raw.proxy_get_header_map_value(mapType, changetype<usize>(key), key.byteLength, RET_PTR, RET_SIZE);
  if (lastStatus != WasmResult.Ok) return null;
  const ptr = load<usize>(RET_PTR);
  const size = load<u32>(RET_SIZE);
  if (ptr == 0) return "";
  // Decoded while still pinned: the decode allocates, and an unpinned block could be swept.
  const value = String.UTF8.decodeUnsafe(ptr, min(<usize>size, <usize>changetype<ArrayBuffer>(ptr).byteLength));
  __unpin(ptr);
  return value;
}

export function replaceHeader(mapType: u32, name: string, value: string): u32 {
  return replaceHeaderAt(mapType, String.UTF8.encode(name), String.UTF8.encode(value));
}

/** replaceHeader with the name and value already UTF-8. */
export function replaceHeaderAt(mapType: u32, name: ArrayBuffer, value: ArrayBuffer): u32 {
  return raw.proxy_replace_header_map_value(mapType, changetype<usize>(name), name.byteLength, changetype<usize>(value), value.byteLength);
}

export function addHeader(mapType: u32, name: string, value: string): u32 {
  const k = String.UTF8.encode(name);
  const v = String.UTF8.encode(value);
  return raw.proxy_add_header_map_value(mapType, changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
}

export function removeHeader(mapType: u32, name: string): u32 {
  const k = String.UTF8.encode(name);
  return raw.proxy_remove_header_map_value(mapType, changetype<usize>(k), k.byteLength);
}

/** Local reply; takes effect when the current callback returns (notes §5). */
export function sendLocalResponse(status: u32, details: string, body: ArrayBuffer, headers: Array<HeaderPair>): u32 {
  const d = String.UTF8.encode(details);
  const h = encodePairs(headers);
  return raw.proxy_send_local_response(
    status,
    changetype<usize>(d),
    d.byteLength,
    changetype<usize>(body),
    body.byteLength,
    changetype<usize>(h),
    h.byteLength,
    GrpcStatus.None,
  );
}

/** Property by path segments (joined with NUL, notes §1.2); null when absent. */
export function getProperty(path: Array<string>): ArrayBuffer | null {
  return getPropertyAt(new PropertyPath(path));
}

/** A property path encoded once ("a\0b"), for lookups made on every request. */
export class PropertyPath {
  readonly bytes: ArrayBuffer;

  constructor(segments: Array<string>) {
    this.bytes = String.UTF8.encode(segments.join("\0"));
  }
}

export function getPropertyAt(path: PropertyPath): ArrayBuffer | null {
  const p = path.bytes;
  clearRet();
  lastStatus = raw.proxy_get_property(changetype<usize>(p), p.byteLength, RET_PTR, RET_SIZE);
  if (lastStatus != WasmResult.Ok) return null;
  return takeBuffer();
}

/** A shared-data entry and its compare-and-swap token. */
export class SharedValue {
  constructor(
    public status: u32,
    public value: ArrayBuffer | null,
    public cas: u32,
  ) {}
}

export function getSharedData(key: string): SharedValue {
  return getSharedDataAt(String.UTF8.encode(key));
}

/** getSharedData with the key already UTF-8: a CAS loop encodes it once for every get and set. */
export function getSharedDataAt(k: ArrayBuffer): SharedValue {
  clearRet();
  store<u32>(RET_EXTRA, 0);
  const status = raw.proxy_get_shared_data(changetype<usize>(k), k.byteLength, RET_PTR, RET_SIZE, RET_EXTRA);
  if (status != WasmResult.Ok) return new SharedValue(status, null, 0);
  return new SharedValue(status, takeBuffer(), load<u32>(RET_EXTRA));
}

/** Writes when `cas` still matches (0 = unconditional); CasMismatch means retry (notes §3). */
export function setSharedData(key: string, value: ArrayBuffer, cas: u32): u32 {
  return setSharedDataAt(String.UTF8.encode(key), value, cas);
}

export function setSharedDataAt(k: ArrayBuffer, value: ArrayBuffer, cas: u32): u32 {
  return raw.proxy_set_shared_data(changetype<usize>(k), k.byteLength, changetype<usize>(value), value.byteLength, cas);
}

/** Opens a gRPC stream owned by the root context; returns the token or 0 with lastStatus set. */
export function grpcStream(target: ArrayBuffer, service: string, method: string, metadata: Array<HeaderPair>): u32 {
  const c = target;
  const s = String.UTF8.encode(service);
  const m = String.UTF8.encode(method);
  const md = encodePairs(metadata);
  store<u32>(RET_EXTRA, 0);
  lastStatus = raw.proxy_grpc_stream(
    changetype<usize>(c),
    c.byteLength,
    changetype<usize>(s),
    s.byteLength,
    changetype<usize>(m),
    m.byteLength,
    changetype<usize>(md),
    md.byteLength,
    RET_EXTRA,
  );
  return lastStatus == WasmResult.Ok ? load<u32>(RET_EXTRA) : 0;
}

export function grpcSend(token: u32, message: ArrayBuffer, endStream: bool): u32 {
  return raw.proxy_grpc_send(token, changetype<usize>(message), message.byteLength, endStream ? 1 : 0);
}

export function grpcCancel(token: u32): u32 {
  return raw.proxy_grpc_cancel(token);
}

/** The status message of the gRPC call being closed (valid inside on_grpc_close). */
export function getStatusMessage(): string {
  clearRet();
  store<u32>(RET_EXTRA, 0);
  if (raw.proxy_get_status(RET_EXTRA, RET_PTR, RET_SIZE) != WasmResult.Ok) return "";
  const buf = takeBuffer();
  return buf === null ? "" : String.UTF8.decode(buf);
}

export function setTickPeriod(ms: u32): u32 {
  return raw.proxy_set_tick_period_milliseconds(ms);
}

/** Defines a metric; returns its id, or 0xffffffff when the host refused. */
export function defineMetric(metricType: u32, name: string): u32 {
  const n = String.UTF8.encode(name);
  store<u32>(RET_EXTRA, 0);
  const status = raw.proxy_define_metric(metricType, changetype<usize>(n), n.byteLength, RET_EXTRA);
  return status == WasmResult.Ok ? load<u32>(RET_EXTRA) : 0xffffffff;
}

export function incrementMetric(id: u32, delta: i64): void {
  if (id != 0xffffffff) raw.proxy_increment_metric(id, delta);
}

export function recordMetric(id: u32, value: u64): void {
  if (id != 0xffffffff) raw.proxy_record_metric(id, value);
}

/** Makes later hostcalls in this callback act on `contextId`; BadArgument when it is gone. */
export function setEffectiveContext(contextId: u32): u32 {
  return raw.proxy_set_effective_context(contextId);
}

export function continueStream(streamType: u32): u32 {
  return raw.proxy_continue_stream(streamType);
}

/** Random bytes from WASI random_get (allowed in every phase, notes §1.3). */
export function randomBytes(n: i32): ArrayBuffer {
  const out = new ArrayBuffer(n);
  raw.wasi_random_get(changetype<usize>(out), <usize>n);
  return out;
}
