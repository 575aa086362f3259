// State that Envoy keeps process-wide and every worker VM sees (cpp-host src/shared_data.cc,
// src/shared_queue.cc; notes §3, §6): shared data with compare-and-swap, shared queues, and the
// stats store behind proxy_define_metric. Pass one SharedState to several plugins to share it the
// way Envoy does for plugins with the same vm_id.
import { MetricType, WasmResult } from './abi-enums.ts';

interface SharedValue {
  value: Uint8Array;
  cas: number;
}

export class SharedData {
  // Keyed by vm_id, then key: cpp-host keys its map by (vm_id, key). Two levels, not one map of
  // joined strings: a lookup then builds and hashes no new string (this is on every rate-limited
  // request's path).
  private readonly byVm = new Map<string, Map<string, SharedValue>>();
  // cpp-host uses one global CAS counter starting at 1 and skipping 0 on wrap.
  private nextCas = 1;

  get(vmId: string, key: string): SharedValue | undefined {
    return this.byVm.get(vmId)?.get(key);
  }

  /** cas = 0 writes unconditionally; a non-zero cas must match the stored one when the key exists. */
  set(vmId: string, key: string, value: Uint8Array, cas: number): number {
    let store = this.byVm.get(vmId);
    if (!store) this.byVm.set(vmId, (store = new Map()));
    const existing = store.get(key);
    if (existing && cas !== 0 && cas !== existing.cas) return WasmResult.CasMismatch;
    const next = this.nextCas;
    this.nextCas = this.nextCas >= 0xffffffff ? 1 : this.nextCas + 1;
    store.set(key, { value: value.slice(), cas: next });
    return WasmResult.Ok;
  }

  keys(vmId: string): string[] {
    return [...(this.byVm.get(vmId)?.keys() ?? [])];
  }
}

export interface QueueOwner {
  /** Schedules proxy_on_queue_ready(root, token) on the registering VM, never re-entrantly. */
  notifyQueueReady(rootContextId: number, token: number): void;
}

interface Queue {
  token: number;
  vmId: string;
  name: string;
  items: Uint8Array[];
  owner: QueueOwner;
  rootContextId: number;
}

export class SharedQueues {
  private readonly byName = new Map<string, Queue>();
  private readonly byToken = new Map<number, Queue>();
  private nextToken = 1;

  /** Registers (or re-opens) the queue `name` of `vmId`; the registering root gets on_queue_ready. */
  register(vmId: string, name: string, owner: QueueOwner, rootContextId: number): number {
    const k = `${vmId}\u0000${name}`;
    const existing = this.byName.get(k);
    if (existing) {
      existing.owner = owner;
      existing.rootContextId = rootContextId;
      return existing.token;
    }
    const queue: Queue = { token: this.nextToken++, vmId, name, items: [], owner, rootContextId };
    this.byName.set(k, queue);
    this.byToken.set(queue.token, queue);
    return queue.token;
  }

  resolve(vmId: string, name: string): number | undefined {
    return this.byName.get(`${vmId}\u0000${name}`)?.token;
  }

  enqueue(token: number, data: Uint8Array): number {
    const queue = this.byToken.get(token);
    if (!queue) return WasmResult.NotFound;
    queue.items.push(data.slice());
    queue.owner.notifyQueueReady(queue.rootContextId, token);
    return WasmResult.Ok;
  }

  /** The item, or a WasmResult (NotFound for a bad token, Empty when there is nothing). */
  dequeue(token: number): Uint8Array | number {
    const queue = this.byToken.get(token);
    if (!queue) return WasmResult.NotFound;
    return queue.items.shift() ?? WasmResult.Empty;
  }
}

export interface MetricSnapshot {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  value: bigint;
  /** Histograms: every recorded value (bounded to the last 1024). */
  samples?: bigint[];
}

interface Metric {
  name: string;
  type: number;
  value: bigint;
  samples: bigint[];
}

const TYPE_NAMES = ['counter', 'gauge', 'histogram'] as const;
const HISTOGRAM_SAMPLES = 1024;

/** The stats store: filter-defined metrics and the host's own counters live side by side. */
export class Metrics {
  private readonly byId = new Map<number, Metric>();
  private readonly byName = new Map<string, number>();
  private nextId = 1;

  /** Same name and type → same id from every VM (Envoy stats are shared by name). */
  define(type: number, name: string): number | undefined {
    if (type !== MetricType.Counter && type !== MetricType.Gauge && type !== MetricType.Histogram) return undefined;
    const key = `${type}:${name}`;
    const existing = this.byName.get(key);
    if (existing !== undefined) return existing;
    const id = this.nextId++;
    this.byId.set(id, { name, type, value: 0n, samples: [] });
    this.byName.set(key, id);
    return id;
  }

  /** cpp-host: increment on a histogram is BadArgument; a counter never decreases. */
  increment(id: number, delta: bigint): number {
    const m = this.byId.get(id);
    if (!m) return WasmResult.NotFound;
    if (m.type === MetricType.Histogram) return WasmResult.BadArgument;
    if (m.type === MetricType.Counter && delta < 0n) return WasmResult.BadArgument;
    m.value += delta;
    return WasmResult.Ok;
  }

  record(id: number, value: bigint): number {
    const m = this.byId.get(id);
    if (!m) return WasmResult.NotFound;
    // Envoy context.cc recordMetric: a counter adds, a gauge sets, a histogram records a sample.
    if (m.type === MetricType.Counter) m.value += value;
    else m.value = value;
    if (m.type === MetricType.Histogram) {
      m.samples.push(value);
      if (m.samples.length > HISTOGRAM_SAMPLES) m.samples.shift();
    }
    return WasmResult.Ok;
  }

  value(id: number): bigint | undefined {
    const m = this.byId.get(id);
    if (!m || m.type === MetricType.Histogram) return undefined;
    return m.value;
  }

  /** Host counters (e.g. `wasm.vm_failed`): counters defined on first use. */
  bump(name: string, delta = 1): void {
    const id = this.define(MetricType.Counter, name)!;
    this.increment(id, BigInt(delta));
  }

  /** Current value of a counter or gauge by name (0 when never defined). */
  get(name: string): number {
    for (const type of [MetricType.Counter, MetricType.Gauge]) {
      const id = this.byName.get(`${type}:${name}`);
      if (id !== undefined) return Number(this.byId.get(id)!.value);
    }
    return 0;
  }

  snapshot(): MetricSnapshot[] {
    return [...this.byId.values()].map((m) => ({
      name: m.name,
      type: TYPE_NAMES[m.type]!,
      value: m.value,
      ...(m.type === MetricType.Histogram ? { samples: [...m.samples] } : {}),
    }));
  }
}

export class SharedState {
  readonly data = new SharedData();
  readonly queues = new SharedQueues();
  readonly metrics = new Metrics();
}
