// Ends callbacks that run past their deadline, the way cpp-host's WasmVm::terminate() lets Envoy
// end one: through V8's interrupt checks, which V8 places on every wasm loop back-edge.
//
// Why not V8 termination itself (Runtime.terminateExecution)? It stops a tight wasm loop, but it is
// uncatchable and unwinds the whole JavaScript stack up to the event loop, `finally` blocks
// included: inside a setImmediate or setTimeout callback (the host's ticks and callout deliveries)
// Node then aborts with "async hook stack has become corrupted", and with that check disabled the
// other immediates of the same turn are lost. Node's catchable boundaries cost too much per
// callback: `vm` timeouts start a thread per call (~43 µs), an inspector Runtime.evaluate with a
// timeout ~17 µs (measured 2026-12-06, docs/proxy-wasm-host.md "Endless loops").
//
// So a worker thread holds an inspector session connected to the main thread and polls a
// SharedArrayBuffer the main thread writes at the start and end of every outermost callback. When
// the same callback is still running past its deadline, the worker has the main thread evaluate a
// tiny function: inspector messages reach a busy main thread as V8 interrupts, so it runs inside
// the wasm loop. It checks, on the main thread and so without a race, that the callback is still
// the one that overran, and sets that VM's stop flag; the loop check (loop-budget.ts) then traps
// with `unreachable`, an ordinary trap the host catches and reports like any other.
import { randomUUID } from 'node:crypto';
import { isMainThread, Worker } from 'node:worker_threads';

/** What the watchdog stops: the VM whose callback overran. */
export interface Stoppable {
  stopLoops(): void;
}

/** Int32 slots of the shared state. */
const RUNNING = 0; // generation of the outermost callback running now; 0 when none
const DEADLINE_MS = 1; // that callback's deadline
/** How often the worker looks; a callback is stopped between its deadline and about 2 polls later. */
const POLL_MS = 20;
// Own to this copy of the module: a process may load two copies of the host (a bench comparing
// checkouts), each with its watchdog and its callbacks.
const HOOK = `palisade.callbackWatchdog.stop.${randomUUID()}`;

// Plain CommonJS so the worker starts without the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const state = new Int32Array(workerData.state);
const session = new Session();
session.connectToMainThread();
let seen = 0;
let since = 0;
setInterval(() => {
  const running = Atomics.load(state, ${RUNNING});
  const now = performance.now();
  if (running !== seen) {
    seen = running;
    since = now;
  } else if (running !== 0 && now - since >= Atomics.load(state, ${DEADLINE_MS})) {
    since = now;
    session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for(' + JSON.stringify(workerData.hook) + ')]?.(' + running + ')', silent: true });
  }
}, workerData.pollMs);
parentPort.postMessage('ready');
`;

class CallbackWatchdog {
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private generation = 0;
  private running: Stoppable | undefined;
  private deadlineMs = 0;
  private readonly outer: [Stoppable, number][] = [];
  private users = 0;
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;

  /** Starts the worker for one more user; rejects when the inspector cannot be used here. */
  async acquire(): Promise<void> {
    this.users++;
    try {
      this.starting ??= this.start();
      await this.starting;
    } catch (e) {
      this.users--;
      this.starting = undefined;
      throw e;
    }
  }

  /** The last user gone, the worker and its session go too. */
  release(): void {
    if (this.users === 0 || --this.users > 0) return;
    const worker = this.worker;
    this.worker = undefined;
    this.starting = undefined;
    void worker?.terminate();
  }

  /** True while the worker runs (some plugin holds the watchdog). */
  get active(): boolean {
    return this.worker !== undefined;
  }

  /** Called at the start of an outermost callback: two stores into shared memory. */
  enter(vm: Stoppable, deadlineMs: number): void {
    if (this.running) this.outer.push([this.running, this.deadlineMs]);
    this.watch(vm, deadlineMs);
  }

  exit(): void {
    // A VM's callback run from within another VM's (none does today): the outer one is watched
    // again, with its deadline restarted.
    const outer = this.outer.pop();
    if (outer) return this.watch(outer[0], outer[1]);
    Atomics.store(this.state, RUNNING, 0);
    this.running = undefined;
  }

  private watch(vm: Stoppable, deadlineMs: number): void {
    this.running = vm;
    this.deadlineMs = deadlineMs;
    this.generation = (this.generation + 1) & 0x7fffffff || 1;
    Atomics.store(this.state, DEADLINE_MS, deadlineMs);
    Atomics.store(this.state, RUNNING, this.generation);
  }

  private async start(): Promise<void> {
    // connectToMainThread reaches the process's main thread, not the worker this host would run in.
    if (!isMainThread) throw new Error('the host runs in a worker thread');
    const { Session } = await import('node:inspector');
    if (typeof Session !== 'function') throw new Error('this Node has no inspector');
    (globalThis as Record<symbol, unknown>)[Symbol.for(HOOK)] = (generation: number) => {
      if (this.running && Atomics.load(this.state, RUNNING) === generation) this.running.stopLoops();
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { state: this.state.buffer, pollMs: POLL_MS, hook: HOOK },
    });
    // Never what keeps the process alive.
    worker.unref();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`watchdog worker exited with code ${code}`)));
    });
    this.worker = worker;
  }
}

/** One per process: callbacks of every plugin run on this thread, one at a time. */
export const callbackWatchdog = new CallbackWatchdog();
