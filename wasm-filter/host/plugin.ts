// A configured plugin: the module compiled once, one VM per worker (Envoy's per-thread clones),
// shared data/queues/metrics across them, tick timers, and the stream factory the tests and the
// dev gateway drive. createPlugin refuses what Envoy refuses at load and at configure time.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { LogLevel, type LogLevelName } from './abi-enums.ts';
import { NO_TRANSPORT, type CalloutTransport } from './callouts.ts';
import { GrpcJsTransport, type ClusterConfig } from './grpc-transport.ts';
import { HttpStream, type StreamInfo } from './http-stream.ts';
import { compileModule, type LoopGuard } from './compile-module.ts';
import { DEFAULT_LOOP_BUDGET } from './loop-budget.ts';
import { callbackWatchdog } from './callback-watchdog.ts';
import { readFunctionExports } from './module-exports.ts';
import { linkProblems, readModuleImports, WasmFormatError } from './module-imports.ts';
import { SharedState, type Metrics, type SharedData } from './shared-state.ts';
import { Vm, VmError, type LogEntry, type PluginInfo } from './vm.ts';
import { wallClockNanos } from './wall-clock.ts';

export interface PluginOptions {
  /** The module bytes, or a path to the .wasm file. */
  wasm: Uint8Array | string;
  /** Plugin name (property plugin_name); default "palisade". */
  name?: string;
  rootId?: string;
  vmId?: string;
  /** PLUGIN_CONFIGURATION, readable in proxy_on_configure. */
  pluginConfig?: string | Uint8Array;
  /** VM_CONFIGURATION, readable in proxy_on_vm_start. */
  vmConfig?: string | Uint8Array;
  /** Worker VMs (Envoy --concurrency); default 1. */
  workers?: number;
  failOpen?: boolean;
  allowOnHeadersStopIteration?: boolean;
  /** Stream buffer limit (Envoy per_connection_buffer_limit_bytes); default 1 MiB. */
  bufferLimitBytes?: number;
  /**
   * Wall-clock milliseconds one callback may run before it is stopped and fails the VM
   * (callback-watchdog.ts); default DEFAULT_CALLBACK_DEADLINE_MS; 0 runs the module unguarded.
   */
  callbackDeadlineMs?: number;
  /**
   * Instead of the deadline: loop iterations one callback may run before it fails the VM
   * (loop-budget.ts), the host's guard where the watchdog is unavailable; 0 runs the module
   * unmetered. Not together with callbackDeadlineMs.
   */
  loopBudget?: number;
  /** gRPC clusters the filter may call by name: address "host:port". */
  grpcClusters?: Record<string, ClusterConfig>;
  /** HTTP clusters for proxy_http_call: address "host:port". */
  httpClusters?: Record<string, ClusterConfig>;
  /** Replaces the real gRPC/HTTP transport (tests). */
  transport?: CalloutTransport;
  logger?: (entry: LogEntry) => void;
  /** Lowest level delivered and what proxy_get_log_level answers; default "info" (Envoy's). */
  logLevel?: LogLevelName;
  /** Wall clock in ns since the epoch; default Date.now-based. */
  now?: () => bigint;
  /** WASI environment (Envoy vm_config.environment_variables). */
  env?: Record<string, string>;
  /** Share data, queues and metrics with other plugins (Envoy: same vm_id in one process). */
  sharedState?: SharedState;
  /** Do not start tick timers; call plugin.tick() instead (deterministic tests). */
  manualTicks?: boolean;
  /** Bound on plugin.logs (oldest dropped); default 10 000. */
  maxLogs?: number;
}

export const DEFAULT_BUFFER_LIMIT = 1024 * 1024;
/** Far above what palisade.wasm needs (a whole inspected 64 KiB exchange: ~0.5 ms), short enough to recover. */
export const DEFAULT_CALLBACK_DEADLINE_MS = 1000;
const MAX_CALLBACK_DEADLINE_MS = 3_600_000;

export interface NewStreamOptions extends StreamInfo {
  /** Worker VM index; default round-robin. */
  worker?: number;
}

const toBytes = (v: string | Uint8Array | undefined) =>
  v === undefined ? new Uint8Array(0) : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

export class Plugin extends EventEmitter {
  readonly workers: Vm[] = [];
  readonly logs: LogEntry[] = [];
  readonly shared: SharedState;
  /** Holds the callback watchdog, released on close. */
  watched = false;
  private nextWorker = 0;
  private readonly timers = new Map<Vm, { period: number; rootId: number; timer?: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    readonly info: PluginInfo,
    private readonly options: PluginOptions,
    readonly transport: CalloutTransport,
  ) {
    super();
    this.shared = options.sharedState ?? new SharedState();
  }

  get metrics(): Metrics {
    return this.shared.metrics;
  }
  get sharedData(): SharedData {
    return this.shared.data;
  }
  /** True when any worker VM has failed (trap, proc_exit, memory limit). */
  get failed(): boolean {
    return this.workers.some((w) => w.failed);
  }

  newHttpStream(options: NewStreamOptions = {}): HttpStream {
    if (this.closed) throw new Error('plugin is closed');
    const index = options.worker ?? this.nextWorker++ % this.workers.length;
    const vm = this.workers[index];
    if (!vm) throw new RangeError(`no worker ${index} (plugin has ${this.workers.length})`);
    return new HttpStream(vm, options, this.metrics);
  }

  /** Runs proxy_on_tick once on every worker whose root context set a tick period. */
  tick(): void {
    for (const [vm, t] of this.timers) if (t.period > 0) vm.tick(t.rootId);
  }

  /** Tears down like Envoy: on_done/on_delete of each root context, callouts cancelled. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.values()) clearInterval(t.timer);
    this.timers.clear();
    for (const vm of this.workers) vm.shutdown();
    if (this.watched) callbackWatchdog.release();
    this.watched = false;
    await this.transport.close?.();
  }

  /** @internal */
  log(entry: LogEntry): void {
    this.logs.push(entry);
    if (this.logs.length > (this.options.maxLogs ?? 10_000)) this.logs.shift();
    this.options.logger?.(entry);
  }

  /** @internal */
  setTick(vm: Vm, rootId: number, period: number): void {
    const existing = this.timers.get(vm);
    if (existing?.timer) clearInterval(existing.timer);
    if (period === 0 || this.closed) {
      this.timers.delete(vm);
      return;
    }
    const entry: { period: number; rootId: number; timer?: NodeJS.Timeout } = { period, rootId };
    if (!this.options.manualTicks) {
      entry.timer = setInterval(() => vm.tick(rootId), period);
      entry.timer.unref();
    }
    this.timers.set(vm, entry);
  }
}

/**
 * Loads, links, starts and configures the plugin on every worker. Rejects with a VmError whose
 * `code` says which step failed and whose message is Envoy's wording where Envoy has one.
 */
export async function createPlugin(options: PluginOptions): Promise<Plugin> {
  const bytes = typeof options.wasm === 'string' ? new Uint8Array(await readFile(options.wasm)) : options.wasm;
  let exportTypes;
  try {
    const problems = linkProblems(readModuleImports(bytes));
    if (problems.length > 0) throw new VmError('link', problems.join('; '));
    exportTypes = readFunctionExports(bytes);
  } catch (e) {
    if (e instanceof WasmFormatError) throw new VmError('link', `Failed to load Wasm module: ${e.message}`);
    throw e;
  }
  // cpp-host bytecode_util: the ABI version is a function export; this host implements 0.2.1 only.
  if (!exportTypes.has('proxy_abi_version_0_2_1'))
    throw new VmError('abi-version', 'Missing or unknown Proxy-Wasm ABI version (this host implements proxy_abi_version_0_2_1)');
  const guard = await chooseLoopGuard(options);
  let compiled;
  try {
    compiled = await compileModule(bytes, guard.loops);
  } finally {
    if (guard.watched && !compiled?.stop) callbackWatchdog.release();
  }
  const { module, stop, loopBudget, unmetered } = compiled;
  const name = options.name ?? 'palisade';
  const info: PluginInfo = {
    name,
    rootId: options.rootId ?? name,
    vmId: options.vmId ?? name,
    pluginConfig: toBytes(options.pluginConfig),
    vmConfig: toBytes(options.vmConfig),
    failOpen: options.failOpen ?? false,
    allowOnHeadersStopIteration: options.allowOnHeadersStopIteration ?? false,
    bufferLimitBytes: options.bufferLimitBytes ?? DEFAULT_BUFFER_LIMIT,
    callbackDeadlineMs: stop ? guard.deadlineMs : 0,
    loopBudget,
    logLevel: LogLevel[options.logLevel ?? 'info'],
    env: Object.entries(options.env ?? {}),
  };
  const clusters = { ...(options.grpcClusters ?? {}) };
  const transport =
    options.transport ??
    (Object.keys(clusters).length + Object.keys(options.httpClusters ?? {}).length > 0
      ? new GrpcJsTransport(clusters, options.httpClusters ?? {})
      : NO_TRANSPORT);
  const plugin = new Plugin(info, options, transport);
  plugin.watched = stop;
  const warn = (message: string) => plugin.log({ level: 'warn', message, worker: -1, contextId: 0 });
  if (guard.unavailable !== undefined)
    warn(`callback watchdog unavailable (${guard.unavailable}): loops metered by iteration count instead (loopBudget ${loopBudget})`);
  if (unmetered !== undefined)
    warn(
      loopBudget > 0
        ? `loops metered by iteration count (loopBudget ${loopBudget}), not by the callback deadline: ${unmetered}`
        : `loops not metered, an endless loop would block the host: ${unmetered}`,
    );
  const now = options.now ?? wallClockNanos();
  const workers = Math.max(1, options.workers ?? 1);
  try {
    for (let i = 0; i < workers; i++) {
      const vm = new Vm(i, module, exportTypes, {
        plugin: info,
        shared: plugin.shared,
        transport,
        now,
        log: (entry) => plugin.log(entry),
        onFailed: (failedVm, reason) => {
          plugin.metrics.bump('wasm.vm_failed');
          plugin.emit('vm-failed', { worker: failedVm.index, reason });
        },
        onLoopBudgetExhausted: () => plugin.metrics.bump('wasm.loop_budget_exhausted'),
        onDeadlineExceeded: () => plugin.metrics.bump('wasm.callback_deadline_exceeded'),
        onTickPeriod: (tickVm, rootId, period) => plugin.setTick(tickVm, rootId, period),
      });
      plugin.workers.push(vm);
      vm.startModule();
      vm.startRoot();
      vm.drainAfterCall();
    }
  } catch (e) {
    await plugin.close();
    throw e;
  }
  return plugin;
}

/**
 * The callback deadline (the watchdog, held once it is chosen), or the iteration budget when one is
 * asked for or the watchdog cannot run here (the reason is returned, for a warning).
 */
async function chooseLoopGuard(
  options: PluginOptions,
): Promise<{ loops: LoopGuard; deadlineMs: number; watched: boolean; unavailable?: string }> {
  if (options.loopBudget !== undefined) {
    if (options.callbackDeadlineMs !== undefined)
      throw new RangeError('give callbackDeadlineMs (a time) or loopBudget (an iteration count), not both');
    const budget = options.loopBudget;
    if (!Number.isInteger(budget) || budget < 0 || budget > 0x7fffffff)
      throw new RangeError(`loopBudget must be an integer from 0 to ${0x7fffffff}`);
    return { loops: { budget }, deadlineMs: 0, watched: false };
  }
  const deadlineMs = options.callbackDeadlineMs ?? DEFAULT_CALLBACK_DEADLINE_MS;
  if (!Number.isInteger(deadlineMs) || deadlineMs < 0 || deadlineMs > MAX_CALLBACK_DEADLINE_MS)
    throw new RangeError(`callbackDeadlineMs must be an integer from 0 to ${MAX_CALLBACK_DEADLINE_MS}`);
  if (deadlineMs === 0) return { loops: { budget: 0 }, deadlineMs, watched: false };
  try {
    await callbackWatchdog.acquire();
    return { loops: { stop: true }, deadlineMs, watched: true };
  } catch (e) {
    return { loops: { budget: DEFAULT_LOOP_BUDGET }, deadlineMs: 0, watched: false, unavailable: (e as Error).message };
  }
}
