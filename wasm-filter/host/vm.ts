// One Wasm VM: what Envoy runs per worker thread (a clone of the plugin's base VM). Owns the
// instance, the context registry, the "current/effective context" rule and the VM-failed state
// (cpp-host src/wasm.cc, src/context.cc, wasm_vm.h; notes §2, §8.5).
import { BufferType, LOG_LEVEL_NAMES, WasmResult } from './abi-enums.ts';
import { CALLBACK_SIGNATURES } from './abi-signatures.ts';
import type { BufferAccess, ContextHost, LocalReply, PropertyValue } from './context-types.ts';
import { GuestMemory } from './guest-memory.ts';
import { HeaderMap } from './header-map.ts';
import { buildImports, HostTrap } from './hostcalls.ts';
import { Callouts, type CalloutTransport } from './callouts.ts';
import { callbackWatchdog } from './callback-watchdog.ts';
import { LOOP_BUDGET_EXPORT, LOOP_STOP_EXPORT } from './loop-budget.ts';
import type { SharedState, QueueOwner } from './shared-state.ts';
import type { FuncSignature } from './abi-signatures.ts';

/** cpp-host limits.h: PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES. */
export const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

export interface PluginInfo {
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly pluginConfig: Uint8Array;
  readonly vmConfig: Uint8Array;
  readonly failOpen: boolean;
  readonly allowOnHeadersStopIteration: boolean;
  readonly bufferLimitBytes: number;
  /** Wall-clock time one callback may run (callback-watchdog.ts); 0 = not watched. */
  readonly callbackDeadlineMs: number;
  /** Loop iterations one callback may run where the watchdog is not used (loop-budget.ts); 0 = unmetered. */
  readonly loopBudget: number;
  readonly logLevel: number;
  readonly env: readonly (readonly [string, string])[];
}

export interface LogEntry {
  level: (typeof LOG_LEVEL_NAMES)[number];
  message: string;
  worker: number;
  contextId: number;
}

export interface VmEnvironment {
  readonly plugin: PluginInfo;
  readonly shared: SharedState;
  readonly transport: CalloutTransport;
  now(): bigint;
  log(entry: LogEntry): void;
  onFailed(vm: Vm, reason: string): void;
  onLoopBudgetExhausted?(vm: Vm): void;
  onDeadlineExceeded?(vm: Vm): void;
  /** Tick timers are owned by the plugin so tests can drive ticks by hand. */
  onTickPeriod(vm: Vm, rootContextId: number, periodMs: number): void;
}

type Guest = Record<string, ((...args: number[]) => number | undefined) | undefined>;

/** Raised when a module cannot be loaded or started; `code` is stable for tests and logs. */
export class VmError extends Error {
  constructor(
    readonly code: 'link' | 'abi-version' | 'no-allocator' | 'bad-signature' | 'no-memory' | 'start' | 'vm-start' | 'configure',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Pseudo-context of hostcalls made outside any callback (module start): sees nothing. */
class VmContext implements ContextHost {
  readonly id = 0;
  readonly rootId = 0;
  readonly isRoot = false;
  headerMap() {
    return undefined;
  }
  buffer() {
    return undefined;
  }
  property() {
    return undefined;
  }
  setProperty() {
    return WasmResult.NotFound;
  }
  sendLocalResponse() {
    return WasmResult.BadArgument;
  }
  continueStream() {
    return WasmResult.BadArgument;
  }
  closeStream() {
    return WasmResult.BadArgument;
  }
}

/** The plugin (root) context: receives configure, ticks, queue and callout callbacks. */
export class RootContext implements ContextHost {
  readonly isRoot = true;
  readonly rootId: number;
  /** Set while a callout callback runs (grpc message, metadata), like Envoy's per-callback buffers. */
  callbackBuffer: Uint8Array | undefined;
  callbackMaps = new Map<number, HeaderMap>();
  configuring = false;
  pendingDone = false;
  deleted = false;
  private readonly properties = new Map<string, Uint8Array>();

  constructor(
    readonly id: number,
    private readonly vm: Vm,
  ) {
    this.rootId = id;
  }
  headerMap(type: number) {
    return this.callbackMaps.get(type);
  }
  buffer(type: number): BufferAccess | undefined {
    if (this.callbackBuffer && (type === BufferType.GrpcReceiveBuffer || type === BufferType.HttpCallResponseBody)) {
      const data = this.callbackBuffer;
      return { bytes: () => data };
    }
    return undefined;
  }
  property(path: string): PropertyValue | undefined {
    return this.properties.get(path);
  }
  setProperty(path: string, value: Uint8Array) {
    this.properties.set(path, value);
    return WasmResult.Ok;
  }
  sendLocalResponse(_reply: LocalReply) {
    // A root context has no stream to answer; the filter must set_effective_context first.
    return WasmResult.BadArgument;
  }
  continueStream() {
    return WasmResult.BadArgument;
  }
  closeStream() {
    return WasmResult.BadArgument;
  }
  get vmIndex() {
    return this.vm.index;
  }
}

export class Vm implements QueueOwner {
  readonly mem: GuestMemory;
  readonly callouts: Callouts;
  failed = false;
  failure: string | undefined;
  restriction: 'start' | 'malloc' | undefined;
  /** proxy_get_status answer: set before on_grpc_close / on_http_call_response. */
  status = { code: 0, message: '' };
  root!: RootContext;
  private readonly guest: Guest;
  private readonly allocator: (size: number) => number | undefined;
  /** The metered module's loop budget; refilled before every outermost callback. */
  private readonly budget: WebAssembly.Global | undefined;
  /** The loop stop flag the callback watchdog has set (through stopLoops) when a callback overran. */
  private readonly stopFlag: WebAssembly.Global | undefined;
  private stopped = false;
  private readonly contexts = new Map<number, ContextHost>();
  private nextContextId = 1;
  private current: ContextHost;
  private effective: ContextHost | undefined;
  private depth = 0;
  private afterCall: (() => void)[] = [];
  private readonly vmContext = new VmContext();
  private readonly posted: (() => void)[] = [];
  private postScheduled = false;

  constructor(
    readonly index: number,
    module: WebAssembly.Module,
    exportTypes: Map<string, FuncSignature>,
    readonly env: VmEnvironment,
  ) {
    this.current = this.vmContext;
    this.callouts = new Callouts(this, env.transport);
    for (const [name, want] of Object.entries(CALLBACK_SIGNATURES)) {
      const have = exportTypes.get(name);
      if (have && (have.params.join() !== want.params.join() || have.results.join() !== want.results.join()))
        throw new VmError('bad-signature', `Bad function signature for: ${name}`);
    }
    let instance: WebAssembly.Instance;
    this.restriction = 'start';
    try {
      instance = new WebAssembly.Instance(module, buildImports(this));
    } catch (e) {
      throw new VmError('start', `Failed to instantiate Wasm module: ${errorText(e)}`);
    } finally {
      this.restriction = undefined;
    }
    const exports = instance.exports as Record<string, unknown>;
    const memory = Object.values(exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
    if (!memory) throw new VmError('no-memory', 'Wasm module is missing an exported memory');
    this.mem = new GuestMemory(memory);
    this.guest = exports as Guest;
    const budget = exports[LOOP_BUDGET_EXPORT];
    this.budget = budget instanceof WebAssembly.Global ? budget : undefined;
    const stop = exports[LOOP_STOP_EXPORT];
    this.stopFlag = stop instanceof WebAssembly.Global && this.plugin.callbackDeadlineMs > 0 ? stop : undefined;
    // cpp-host looks up malloc first, proxy_on_memory_allocate only when malloc is absent (notes §2.1).
    const alloc = this.guest.malloc ?? this.guest.proxy_on_memory_allocate;
    if (!alloc) throw new VmError('no-allocator', 'Wasm module is missing malloc function.');
    this.allocator = alloc;
  }

  get plugin(): PluginInfo {
    return this.env.plugin;
  }
  get shared(): SharedState {
    return this.env.shared;
  }
  now(): bigint {
    return this.env.now();
  }

  /** `_initialize` (+ `main`/`__main_void`) or `_start`, under the startVm restriction. */
  startModule(): void {
    const g = this.guest;
    this.restriction = 'start';
    this.beginOutermost();
    try {
      if (g._initialize) {
        g._initialize();
        if (g.main) g.main(0, 0);
        else if (g.__main_void) g.__main_void();
      } else if (g._start) g._start();
    } catch (e) {
      this.markFailed(`Function: _start failed: ${this.trapText(e)}`);
      throw new VmError('start', this.failure!);
    } finally {
      this.endOutermost();
      this.restriction = undefined;
    }
  }

  /** on_context_create(R, 0) → on_vm_start(R, n) → on_configure(R, n) (notes §2.4). */
  startRoot(): void {
    const root = new RootContext(this.allocContextId(), this);
    this.root = root;
    this.contexts.set(root.id, root);
    this.callVoid(root, 'proxy_on_context_create', root.id, 0);
    const started = this.call(root, 'proxy_on_vm_start', root.id, this.plugin.vmConfig.length);
    if (this.failed) throw new VmError('vm-start', this.failure!);
    if (started === 0) throw new VmError('vm-start', `Wasm VM failed to start: proxy_on_vm_start returned false`);
    root.configuring = true;
    const configured = this.call(root, 'proxy_on_configure', root.id, this.plugin.pluginConfig.length);
    root.configuring = false;
    if (this.failed) throw new VmError('configure', this.failure!);
    if (configured === 0) throw new VmError('configure', `Wasm VM failed to initialize Wasm code: proxy_on_configure returned false`);
  }

  allocContextId(): number {
    return this.nextContextId++;
  }

  registerContext(ctx: ContextHost): void {
    this.contexts.set(ctx.id, ctx);
  }
  unregisterContext(id: number): void {
    this.contexts.delete(id);
  }
  hasContext(id: number): boolean {
    return this.contexts.has(id);
  }

  /** The context hostcalls act on: the effective one if set and still alive, else the callback's. */
  context(): ContextHost {
    const e = this.effective;
    if (e && this.contexts.has(e.id)) return e;
    return this.current;
  }

  setEffectiveContext(id: number): number {
    const ctx = this.contexts.get(id);
    if (!ctx) return WasmResult.BadArgument;
    this.effective = ctx;
    return WasmResult.Ok;
  }

  bufferFor(type: number): BufferAccess | undefined {
    if (type === BufferType.VmConfiguration) {
      const data = this.plugin.vmConfig;
      return { bytes: () => data };
    }
    if (type === BufferType.PluginConfiguration) {
      // Envoy: readable only inside proxy_on_configure (temp_plugin_ set), else NotFound.
      if (!this.root?.configuring) return undefined;
      const data = this.plugin.pluginConfig;
      return { bytes: () => data };
    }
    const ctx = this.context();
    return ctx.buffer(type) ?? (ctx.isRoot ? undefined : this.root.buffer(type));
  }

  property(path: string): PropertyValue | undefined {
    const own = this.context().property(path);
    if (own !== undefined) return own;
    switch (path) {
      case 'plugin_name':
        return this.plugin.name;
      case 'plugin_root_id':
        return this.plugin.rootId;
      case 'plugin_vm_id':
        return this.plugin.vmId;
      case 'plugin_vm_config':
        return this.plugin.vmConfig;
      default:
        return undefined;
    }
  }

  /** proxy_done: valid only for a root context that returned false from on_done. */
  done(): number {
    const ctx = this.context();
    if (!(ctx instanceof RootContext) || !ctx.pendingDone) return WasmResult.NotFound;
    ctx.pendingDone = false;
    this.afterCall.push(() => this.deleteRoot(ctx));
    return WasmResult.Ok;
  }

  setTickPeriod(rootId: number, periodMs: number): void {
    this.env.onTickPeriod(this, rootId, periodMs);
  }

  log(level: number, message: string): void {
    if (level < this.plugin.logLevel) return;
    this.env.log({ level: LOG_LEVEL_NAMES[level] ?? 'critical', message, worker: this.index, contextId: this.context().id });
  }

  /** Calls the module's allocator under the allocMemory restriction; 0 means failure. */
  alloc(size: number): number {
    const previous = this.restriction;
    this.restriction = 'malloc';
    try {
      const ptr = (this.allocator(size) ?? 0) >>> 0;
      if (ptr === 0 || ptr + size > this.mem.byteLength) return 0;
      return ptr;
    } finally {
      this.restriction = previous;
    }
  }

  /**
   * Runs a callback for `ctx`. Returns the callback's i32 result, `undefined` when the module does
   * not export it, or `null` when the VM is (or just became) failed. Every call starts with no
   * effective context and restores the caller's afterwards (cpp-host SaveRestoreContext).
   */
  call(ctx: ContextHost, name: string, ...args: number[]): number | undefined | null {
    if (this.failed) return null;
    const fn = this.guest[name];
    if (!fn) return undefined;
    const savedCurrent = this.current;
    const savedEffective = this.effective;
    this.current = ctx;
    this.effective = undefined;
    if (this.depth === 0) this.beginOutermost();
    this.depth++;
    try {
      const result = fn(...args);
      if (this.mem.byteLength > MAX_MEMORY_BYTES) throw new HostTrap(`memory exceeds ${MAX_MEMORY_BYTES} bytes`);
      return result === undefined ? 0 : result;
    } catch (e) {
      this.markFailed(`Function: ${name} failed: ${this.trapText(e)}`);
      return null;
    } finally {
      if (--this.depth === 0) this.endOutermost();
      this.current = savedCurrent;
      this.effective = savedEffective;
    }
  }

  callVoid(ctx: ContextHost, name: string, ...args: number[]): boolean {
    return this.call(ctx, name, ...args) !== null;
  }

  /** Registers an action to run after the outermost VM call (Envoy addAfterVmCallAction). */
  deferAfterCall(action: () => void): void {
    this.afterCall.push(action);
  }

  /** Runs deferred actions; the caller decides when (after it has applied the callback's status). */
  drainAfterCall(): void {
    if (this.depth > 0) return;
    while (this.afterCall.length > 0) {
      const actions = this.afterCall;
      this.afterCall = [];
      for (const a of actions) a();
    }
  }

  /**
   * Queues work for this VM on a later event-loop turn (callout responses, queue-ready, ticks), so
   * a callback is never delivered re-entrantly inside another one.
   */
  post(task: () => void): void {
    this.posted.push(task);
    if (this.postScheduled) return;
    this.postScheduled = true;
    setImmediate(() => {
      this.postScheduled = false;
      const tasks = this.posted.splice(0);
      for (const t of tasks) {
        t();
        this.drainAfterCall();
      }
    });
  }

  notifyQueueReady(rootContextId: number, token: number): void {
    this.post(() => {
      const root = this.contexts.get(rootContextId);
      if (root) this.callVoid(root, 'proxy_on_queue_ready', rootContextId, token);
    });
  }

  tick(rootContextId: number): void {
    const root = this.contexts.get(rootContextId);
    if (root && !this.failed) {
      this.callVoid(root, 'proxy_on_tick', rootContextId);
      this.drainAfterCall();
    }
  }

  /** Plugin teardown: on_done(R); true → on_delete(R) now, false → wait for proxy_done(). */
  shutdown(): void {
    this.callouts.cancelAll();
    const root = this.root;
    if (!root || root.deleted) return;
    const done = this.call(root, 'proxy_on_done', root.id);
    if (done === 0) root.pendingDone = true;
    else this.deleteRoot(root);
    this.drainAfterCall();
  }

  private deleteRoot(root: RootContext): void {
    if (root.deleted) return;
    root.deleted = true;
    this.callVoid(root, 'proxy_on_delete', root.id);
    this.contexts.delete(root.id);
    this.env.onTickPeriod(this, root.id, 0);
  }

  /** Called by the callback watchdog, on this thread, while an overrunning callback of this VM runs. */
  stopLoops(): void {
    if (!this.stopFlag) return;
    this.stopFlag.value = 1;
    this.stopped = true;
  }

  private beginOutermost(): void {
    if (this.stopFlag) callbackWatchdog.enter(this, this.plugin.callbackDeadlineMs);
    else if (this.budget) this.budget.value = this.plugin.loopBudget;
  }

  private endOutermost(): void {
    if (!this.stopFlag) return;
    callbackWatchdog.exit();
    // Stopped just after its last loop header: the callback finished, the next one starts clear.
    if (this.stopped) {
      this.stopped = false;
      this.stopFlag.value = 0;
    }
  }

  /** A trap after the watchdog stopped the callback, or with the budget at zero, is the guard's. */
  private trapText(e: unknown): string {
    if (this.stopped && e instanceof WebAssembly.RuntimeError) {
      this.env.onDeadlineExceeded?.(this);
      return `callback deadline exceeded: ran longer than ${this.plugin.callbackDeadlineMs} ms (endless loop?)`;
    }
    if (this.budget && this.budget.value === 0 && e instanceof WebAssembly.RuntimeError) {
      this.env.onLoopBudgetExhausted?.(this);
      return `loop budget exhausted: more than ${this.plugin.loopBudget} loop iterations in one callback (endless loop?)`;
    }
    return errorText(e);
  }

  markFailed(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = reason;
    this.env.log({ level: 'critical', message: `wasm VM failed: ${reason}`, worker: this.index, contextId: this.current.id });
    this.env.onFailed(this, reason);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof WebAssembly.RuntimeError) return `Uncaught RuntimeError: ${e.message}`;
  if (e instanceof HostTrap) return e.message;
  if (e instanceof RangeError) return `Uncaught RangeError: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
