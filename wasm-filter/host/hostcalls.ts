// The host functions a module can import, with cpp-host's and Envoy's results for bad calls
// (cpp-host src/exports.cc, envoy source/extensions/common/wasm/context.cc; notes §1-§6). The
// import object is built from abi-signatures.ts so the table and the implementation cannot drift:
// a name in the table without an implementation here is a startup error.
import { randomFillSync } from 'node:crypto';
import { ENV_EXTRAS, PROXY_FUNCTIONS, WASI_FUNCTIONS, WASI_MODULES } from './abi-signatures.ts';
import { BufferType, Errno, MapType, WasmResult } from './abi-enums.ts';
import { PairsEncoder, parsePairs, serializePairs, type HeaderPair } from './header-pairs.ts';
import { propertyBytes } from './context-types.ts';
import { dottedPath } from './property-paths.ts';
import { RecentStrings } from './recent-strings.ts';
import type { Vm } from './vm.ts';

type Impl = (...args: never[]) => number | void;

/** Thrown from a hostcall to trap the guest (V8 turns it into an exception that unwinds wasm). */
export class HostTrap extends Error {}

/** Hostcalls allowed while `_start`/`_initialize` runs (cpp-host startVm restriction). */
const START_ALLOWED = new Set([
  'proxy_log',
  'emscripten_notify_memory_growth',
  'pthread_equal',
  ...Object.keys(WASI_FUNCTIONS).filter((n) => n !== 'fd_read' && n !== 'sched_yield'),
]);
/** Hostcalls allowed inside the module's allocator (cpp-host allocMemory restriction). */
const MALLOC_ALLOWED = new Set(['proxy_log', 'fd_write', 'clock_time_get', 'poll_oneoff']);

const u = (n: number) => n >>> 0;
const EMPTY = new Uint8Array(0);
const MAX_RANDOM = 64 * 1024;

export function buildImports(vm: Vm): WebAssembly.Imports {
  const mem = () => vm.mem;
  /** Copies data into a fresh guest allocation and writes (ptr, size); empty → (0, 0), no allocation. */
  const copyOut = (data: Uint8Array, ptrPtr: number, sizePtr: number): number => {
    if (data.length === 0) return mem().writeU32(ptrPtr, 0) && mem().writeU32(sizePtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    const ptr = vm.alloc(data.length);
    if (ptr === 0 || !mem().write(ptr, data)) return WasmResult.InvalidMemoryAccess;
    return mem().writeU32(ptrPtr, ptr) && mem().writeU32(sizePtr, data.length) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  };
  /** Hands the guest `text` as UTF-8 like copyOut, encoded straight into the allocation. */
  const copyOutText = (text: string, ptrPtr: number, sizePtr: number): number => {
    // Short ASCII (addresses, most header values): sized and copied by a loop. Buffer's byteLength
    // and write are each a call into C++ costing more than the loop for a few dozen chars.
    const ascii = text.length <= SHORT_TEXT && isAscii(text);
    const size = ascii ? text.length : Buffer.byteLength(text, 'utf8');
    if (size === 0) return copyOut(EMPTY, ptrPtr, sizePtr);
    const ptr = vm.alloc(size);
    if (ptr === 0 || !(ascii ? mem().writeAscii(ptr, text) : mem().writeString(ptr, text, size))) return WasmResult.InvalidMemoryAccess;
    return mem().writeU32(ptrPtr, ptr) && mem().writeU32(sizePtr, size) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  };
  const pairsEncoder = new PairsEncoder();
  /** copyOut(serializePairs(pairs)) without the copy made to return (the encoder's buffer is reused). */
  const copyOutPairs = (pairs: readonly HeaderPair[], ptrPtr: number, sizePtr: number): number =>
    copyOut(pairs.length === 0 ? EMPTY : pairsEncoder.encode(pairs), ptrPtr, sizePtr);
  const str = (ptr: number, size: number) => mem().readString(ptr, size);
  /** Property paths by their bytes, dotted: a filter asks for the same few on every request. */
  const paths = new RecentStrings(mem, 32, dottedPath);
  /** str() for the keys and values filters repeat on every request (shared data, headers they set). */
  const keys = new RecentStrings(mem);
  const repeated = (ptr: number, size: number) => keys.read(ptr, size);
  const bytes = (ptr: number, size: number) => mem().read(ptr, size);

  const proxy: Record<string, Impl> = {
    proxy_log(level: number, ptr: number, size: number) {
      const msg = str(ptr, size);
      if (msg === undefined) return WasmResult.InvalidMemoryAccess;
      if (u(level) > 5) return WasmResult.BadArgument;
      vm.log(u(level), msg);
      return WasmResult.Ok;
    },
    proxy_get_log_level(ptr: number) {
      return mem().writeU32(ptr, vm.plugin.logLevel) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_get_status(codePtr: number, msgPtrPtr: number, msgSizePtr: number) {
      if (!mem().writeU32(codePtr, vm.status.code)) return WasmResult.InvalidMemoryAccess;
      return copyOut(Buffer.from(vm.status.message), msgPtrPtr, msgSizePtr);
    },
    proxy_set_property(pathPtr: number, pathSize: number, valPtr: number, valSize: number) {
      const path = paths.read(pathPtr, pathSize);
      const value = bytes(valPtr, valSize);
      if (path === undefined || !value) return WasmResult.InvalidMemoryAccess;
      return vm.context().setProperty(path, value);
    },
    proxy_get_property(pathPtr: number, pathSize: number, retPtrPtr: number, retSizePtr: number) {
      const path = paths.read(pathPtr, pathSize);
      if (path === undefined) return WasmResult.InvalidMemoryAccess;
      const value = vm.property(path);
      if (value === undefined) return WasmResult.NotFound;
      if (typeof value === 'string') return copyOutText(value, retPtrPtr, retSizePtr);
      return copyOut(propertyBytes(value, serializePairs), retPtrPtr, retSizePtr);
    },
    proxy_send_local_response(
      status: number,
      detailsPtr: number,
      detailsSize: number,
      bodyPtr: number,
      bodySize: number,
      headersPtr: number,
      headersSize: number,
      grpcStatus: number,
    ) {
      const details = str(detailsPtr, detailsSize);
      const body = bytes(bodyPtr, bodySize);
      const headers = bytes(headersPtr, headersSize);
      if (details === undefined || !body || !headers) return WasmResult.InvalidMemoryAccess;
      return vm.context().sendLocalResponse({
        status: u(status),
        details: details.replace(/\s/g, '_'),
        body,
        headers: parsePairs(headers).map(([k, v]) => [k.toLowerCase(), v] as const),
        grpcStatus: grpcStatus >= 0 && grpcStatus <= 16 ? grpcStatus : undefined,
      });
    },
    proxy_get_shared_data(keyPtr: number, keySize: number, retPtrPtr: number, retSizePtr: number, casPtr: number) {
      const key = repeated(keyPtr, keySize);
      if (key === undefined) return WasmResult.InvalidMemoryAccess;
      const found = vm.shared.data.get(vm.plugin.vmId, key);
      if (!found) return WasmResult.NotFound;
      const rc = copyOut(found.value, retPtrPtr, retSizePtr);
      if (rc !== WasmResult.Ok) return rc;
      return mem().writeU32(casPtr, found.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_shared_data(keyPtr: number, keySize: number, valPtr: number, valSize: number, cas: number) {
      const key = repeated(keyPtr, keySize);
      const value = mem().lend(valPtr, valSize); // set() keeps a copy
      if (key === undefined || !value) return WasmResult.InvalidMemoryAccess;
      return vm.shared.data.set(vm.plugin.vmId, key, value, u(cas));
    },
    proxy_register_shared_queue(namePtr: number, nameSize: number, tokenPtr: number) {
      const name = str(namePtr, nameSize);
      if (name === undefined) return WasmResult.InvalidMemoryAccess;
      const token = vm.shared.queues.register(vm.plugin.vmId, name, vm, vm.context().rootId);
      return mem().writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_resolve_shared_queue(vmIdPtr: number, vmIdSize: number, namePtr: number, nameSize: number, tokenPtr: number) {
      const vmId = str(vmIdPtr, vmIdSize);
      const name = str(namePtr, nameSize);
      if (vmId === undefined || name === undefined) return WasmResult.InvalidMemoryAccess;
      const token = vm.shared.queues.resolve(vmId === '' ? vm.plugin.vmId : vmId, name);
      if (token === undefined) return WasmResult.NotFound;
      return mem().writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_dequeue_shared_queue(token: number, retPtrPtr: number, retSizePtr: number) {
      const item = vm.shared.queues.dequeue(u(token));
      if (typeof item === 'number') return item;
      return copyOut(item, retPtrPtr, retSizePtr);
    },
    proxy_enqueue_shared_queue(token: number, ptr: number, size: number) {
      const data = mem().lend(ptr, size); // enqueue() keeps a copy
      if (!data) return WasmResult.InvalidMemoryAccess;
      return vm.shared.queues.enqueue(u(token), data);
    },
    proxy_get_header_map_value(type: number, keyPtr: number, keySize: number, retPtrPtr: number, retSizePtr: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const key = repeated(keyPtr, keySize);
      if (key === undefined) return WasmResult.InvalidMemoryAccess;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      const value = map.get(key);
      if (value === undefined) return WasmResult.NotFound;
      return copyOutText(value, retPtrPtr, retSizePtr);
    },
    proxy_add_header_map_value(type: number, keyPtr: number, keySize: number, valPtr: number, valSize: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const key = repeated(keyPtr, keySize);
      const value = repeated(valPtr, valSize);
      if (key === undefined || value === undefined) return WasmResult.InvalidMemoryAccess;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      map.add(key, value);
      return WasmResult.Ok;
    },
    proxy_replace_header_map_value(type: number, keyPtr: number, keySize: number, valPtr: number, valSize: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const key = repeated(keyPtr, keySize);
      const value = repeated(valPtr, valSize);
      if (key === undefined || value === undefined) return WasmResult.InvalidMemoryAccess;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      map.replace(key, value);
      return WasmResult.Ok;
    },
    proxy_remove_header_map_value(type: number, keyPtr: number, keySize: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const key = repeated(keyPtr, keySize);
      if (key === undefined) return WasmResult.InvalidMemoryAccess;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      map.remove(key);
      return WasmResult.Ok;
    },
    proxy_get_header_map_pairs(type: number, retPtrPtr: number, retSizePtr: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      // Envoy: an unavailable map reads as empty, and an empty map is (0, 0) — not a zero count.
      const map = vm.context().headerMap(u(type));
      return copyOutPairs(map ? map.view() : [], retPtrPtr, retSizePtr);
    },
    proxy_set_header_map_pairs(type: number, ptr: number, size: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const data = bytes(ptr, size);
      if (!data) return WasmResult.InvalidMemoryAccess;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      map.setAll(parsePairs(data));
      return WasmResult.Ok;
    },
    proxy_get_header_map_size(type: number, retSizePtr: number) {
      if (u(type) > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const map = vm.context().headerMap(u(type));
      if (!map) return WasmResult.BadArgument;
      return mem().writeU32(retSizePtr, map.byteSize()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_get_buffer_status(type: number, lenPtr: number, flagsPtr: number) {
      if (u(type) > BufferType.CallData) return WasmResult.BadArgument;
      const buffer = vm.bufferFor(u(type));
      if (!buffer) return WasmResult.NotFound;
      // cpp-host always writes flags = 0.
      return mem().writeU32(lenPtr, buffer.bytes().length) && mem().writeU32(flagsPtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_get_buffer_bytes(type: number, start: number, length: number, retPtrPtr: number, retSizePtr: number) {
      if (u(type) > BufferType.CallData) return WasmResult.BadArgument;
      const buffer = vm.bufferFor(u(type));
      if (!buffer) return WasmResult.NotFound;
      const all = buffer.bytes();
      // start/length are u32 added in 64 bits: no overflow; both are clamped to the buffer.
      const from = Math.min(u(start), all.length);
      const to = Math.min(from + u(length), all.length);
      // A view, not a copy: copyOut writes it into guest memory before anything can change it.
      return copyOut(all.subarray(from, to), retPtrPtr, retSizePtr);
    },
    proxy_set_buffer_bytes(type: number, start: number, length: number, ptr: number, size: number) {
      if (u(type) > BufferType.CallData) return WasmResult.BadArgument;
      const data = bytes(ptr, size);
      if (!data) return WasmResult.InvalidMemoryAccess;
      const buffer = vm.bufferFor(u(type));
      if (!buffer) return WasmResult.NotFound;
      if (!buffer.set) return WasmResult.BadArgument;
      return buffer.set(u(start), u(length), data);
    },
    proxy_http_call(
      upstreamPtr: number,
      upstreamSize: number,
      headersPtr: number,
      headersSize: number,
      bodyPtr: number,
      bodySize: number,
      trailersPtr: number,
      trailersSize: number,
      timeoutMs: number,
      tokenPtr: number,
    ) {
      const upstream = str(upstreamPtr, upstreamSize);
      const headers = bytes(headersPtr, headersSize);
      const body = bytes(bodyPtr, bodySize);
      const trailers = bytes(trailersPtr, trailersSize);
      if (upstream === undefined || !headers || !body || !trailers) return WasmResult.InvalidMemoryAccess;
      const token = vm.callouts.httpCall(vm.context().rootId, upstream, parsePairs(headers), body, parsePairs(trailers), u(timeoutMs));
      if (token < 0) return -token;
      return mem().writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_call(
      svcPtr: number,
      svcSize: number,
      namePtr: number,
      nameSize: number,
      methodPtr: number,
      methodSize: number,
      mdPtr: number,
      mdSize: number,
      msgPtr: number,
      msgSize: number,
      timeoutMs: number,
      tokenPtr: number,
    ) {
      const service = bytes(svcPtr, svcSize);
      const serviceName = str(namePtr, nameSize);
      const method = str(methodPtr, methodSize);
      const md = bytes(mdPtr, mdSize);
      const message = bytes(msgPtr, msgSize);
      if (!service || serviceName === undefined || method === undefined || !md || !message) return WasmResult.InvalidMemoryAccess;
      const token = vm.callouts.grpcCall(vm.context().rootId, service, serviceName, method, parsePairs(md), message, u(timeoutMs));
      if (token < 0) return -token;
      return mem().writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_stream(
      svcPtr: number,
      svcSize: number,
      namePtr: number,
      nameSize: number,
      methodPtr: number,
      methodSize: number,
      mdPtr: number,
      mdSize: number,
      tokenPtr: number,
    ) {
      const service = bytes(svcPtr, svcSize);
      const serviceName = str(namePtr, nameSize);
      const method = str(methodPtr, methodSize);
      const md = bytes(mdPtr, mdSize);
      if (!service || serviceName === undefined || method === undefined || !md) return WasmResult.InvalidMemoryAccess;
      const token = vm.callouts.grpcStream(vm.context().rootId, service, serviceName, method, parsePairs(md));
      if (token < 0) return -token;
      return mem().writeU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_send(token: number, ptr: number, size: number, endStream: number) {
      const message = bytes(ptr, size);
      if (!message) return WasmResult.InvalidMemoryAccess;
      return vm.callouts.grpcSend(u(token), message, endStream !== 0);
    },
    proxy_grpc_close(token: number) {
      return vm.callouts.grpcClose(u(token));
    },
    proxy_grpc_cancel(token: number) {
      return vm.callouts.grpcCancel(u(token));
    },
    proxy_set_tick_period_milliseconds(period: number) {
      // cpp-host: always the ROOT context of the caller (setTimerPeriod(root_context()->id())).
      vm.setTickPeriod(vm.context().rootId, u(period));
      return WasmResult.Ok;
    },
    proxy_get_current_time_nanoseconds(ptr: number) {
      return mem().writeU64(ptr, vm.now()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_define_metric(type: number, namePtr: number, nameSize: number, idPtr: number) {
      const name = str(namePtr, nameSize);
      if (name === undefined) return WasmResult.InvalidMemoryAccess;
      const id = vm.shared.metrics.define(u(type), name);
      if (id === undefined) return WasmResult.BadArgument;
      return mem().writeU32(idPtr, id) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_increment_metric(id: number, delta: bigint) {
      return vm.shared.metrics.increment(u(id), delta);
    },
    proxy_record_metric(id: number, value: bigint) {
      return vm.shared.metrics.record(u(id), BigInt.asUintN(64, value));
    },
    proxy_get_metric(id: number, ptr: number) {
      const value = vm.shared.metrics.value(u(id));
      if (value === undefined) return WasmResult.NotFound;
      return mem().writeU64(ptr, value) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_effective_context(id: number) {
      return vm.setEffectiveContext(u(id));
    },
    proxy_done() {
      return vm.done();
    },
    proxy_call_foreign_function(namePtr: number, nameSize: number, _argsPtr: number, _argsSize: number) {
      const name = str(namePtr, nameSize);
      if (name === undefined) return WasmResult.InvalidMemoryAccess;
      // No foreign functions are registered in this host (Envoy registers a few by name).
      return WasmResult.NotFound;
    },
    proxy_continue_stream(type: number) {
      return vm.context().continueStream(u(type));
    },
    proxy_close_stream(type: number) {
      return vm.context().closeStream(u(type));
    },
  };

  const env: Record<string, Impl> = {
    pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
    emscripten_notify_memory_growth: () => undefined,
  };

  const stub = (code: number) => () => code;
  const wasi: Record<string, Impl> = {
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) {
      if (fd !== 1 && fd !== 2) return Errno.Badf;
      let text = '';
      let total = 0;
      for (let i = 0; i < u(iovsLen); i++) {
        const ptr = mem().readU32(iovs + i * 8);
        const len = mem().readU32(iovs + i * 8 + 4);
        if (ptr === undefined || len === undefined) return Errno.Inval;
        const part = str(ptr, len);
        if (part === undefined) return Errno.Inval;
        text += part;
        total += len;
      }
      // cpp-host: stdout is logged at info, stderr at error.
      vm.log(fd === 1 ? 2 : 4, text.replace(/\n$/, ''));
      return mem().writeU32(nwrittenPtr, total) ? Errno.Success : Errno.Inval;
    },
    fd_read: stub(Errno.Nosys),
    fd_seek: stub(Errno.Badf),
    fd_close: stub(Errno.Badf),
    fd_fdstat_get(fd: number, statPtr: number) {
      if (fd !== 1 && fd !== 2) return Errno.Badf;
      // 24-byte fdstat: filetype character_device (2), no flags, no rights.
      return mem().write(
        statPtr,
        new Uint8Array(24).fill(0, 0).map((_, i) => (i === 0 ? 2 : 0)),
      )
        ? Errno.Success
        : Errno.Inval;
    },
    fd_fdstat_set_flags: stub(Errno.Nosys),
    fd_fdstat_set_rights: stub(Errno.Nosys),
    environ_get(environPtr: number, bufPtr: number) {
      let p = bufPtr;
      for (const [i, entry] of vm.plugin.env.entries()) {
        const data = Buffer.from(`${entry[0]}=${entry[1]}\0`);
        if (!mem().writeU32(environPtr + i * 4, p) || !mem().write(p, data)) return Errno.Inval;
        p += data.length;
      }
      return Errno.Success;
    },
    environ_sizes_get(countPtr: number, sizePtr: number) {
      const size = vm.plugin.env.reduce((n, [k, v]) => n + Buffer.byteLength(`${k}=${v}`) + 1, 0);
      return mem().writeU32(countPtr, vm.plugin.env.length) && mem().writeU32(sizePtr, size) ? Errno.Success : Errno.Inval;
    },
    args_get: stub(Errno.Success),
    args_sizes_get(argcPtr: number, sizePtr: number) {
      return mem().writeU32(argcPtr, 0) && mem().writeU32(sizePtr, 0) ? Errno.Success : Errno.Inval;
    },
    clock_time_get(id: number, _precision: bigint, retPtr: number) {
      let t: bigint;
      if (id === 0) t = vm.now();
      else if (id === 1) t = process.hrtime.bigint();
      else return Errno.Notsup;
      return mem().writeU64(retPtr, t) ? Errno.Success : Errno.Inval;
    },
    clock_res_get(id: number, retPtr: number) {
      if (id !== 0 && id !== 1) return Errno.Notsup;
      return mem().writeU64(retPtr, 1n) ? Errno.Success : Errno.Inval;
    },
    random_get(ptr: number, len: number) {
      if (u(len) > MAX_RANDOM) return Errno.Inval;
      const data = new Uint8Array(u(len));
      randomFillSync(data);
      return mem().write(ptr, data) ? Errno.Success : Errno.Inval;
    },
    sched_yield: stub(Errno.Success),
    poll_oneoff: stub(Errno.Nosys),
    proc_exit(code: number) {
      // cpp-host fails the VM: nothing after proc_exit may run.
      throw new HostTrap(`proc_exit(${code}) called`);
    },
    fd_prestat_get: stub(Errno.Badf),
    fd_prestat_dir_name: stub(Errno.Nosys),
    path_open: stub(Errno.Noent),
  };
  for (const name of Object.keys(WASI_FUNCTIONS)) wasi[name] ??= stub(name.startsWith('sock_') ? Errno.Notsup : Errno.Nosys);

  const guard = (name: string, f: Impl): Impl =>
    ((...args: never[]) => {
      if (vm.restriction !== undefined) {
        const allowed = vm.restriction === 'start' ? START_ALLOWED : MALLOC_ALLOWED;
        if (!allowed.has(name)) throw new HostTrap(`restricted_callback: ${name} called during ${vm.restriction}`);
      }
      return f(...args);
    }) as Impl;

  const envModule: Record<string, Impl> = {};
  for (const name of [...Object.keys(PROXY_FUNCTIONS), ...Object.keys(ENV_EXTRAS)]) {
    const f = proxy[name] ?? env[name];
    if (!f) throw new Error(`host: no implementation for env.${name}`);
    envModule[name] = guard(name, f);
  }
  const wasiModule: Record<string, Impl> = {};
  for (const name of Object.keys(WASI_FUNCTIONS)) wasiModule[name] = guard(name, wasi[name]!);
  const imports: WebAssembly.Imports = { env: envModule as unknown as WebAssembly.ModuleImports };
  for (const m of WASI_MODULES) imports[m] = wasiModule as unknown as WebAssembly.ModuleImports;
  return imports;
}

/** Texts up to this long are checked and copied char by char (copyOutText). */
const SHORT_TEXT = 64;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
