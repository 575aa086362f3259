// When the running control plane re-evaluates posture: shortly after traffic arrives (debounced, so a
// burst of batches costs one evaluation, yet never later than `maxDelayMs` under a steady stream),
// and every `intervalMs` regardless (dormancy turns endpoints zombie with no traffic at all).
// Evaluations never overlap and never make ingestion wait: `poke()` only sets a timer.
import type { Ingest } from '../ingest/ingest.ts';

export interface SchedulerOptions {
  /** Runs one evaluation (the service serialises them). */
  evaluate: () => Promise<unknown>;
  /** Quiet time after the last poke before evaluating. */
  debounceMs: number;
  /** Longest a poke waits under continuous traffic. */
  maxDelayMs: number;
  /** Periodic evaluation; 0 = none. */
  intervalMs: number;
  onError: (err: unknown) => void;
  now?: () => number;
}

export class PostureScheduler {
  private timer: NodeJS.Timeout | null = null;
  private interval: NodeJS.Timeout | null = null;
  private firstPokeMs: number | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;
  /** Evaluations run by this scheduler (for tests and metrics). */
  runs = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.o.intervalMs > 0 && !this.interval) {
      this.interval = setInterval(() => this.run(), this.o.intervalMs);
      this.interval.unref();
    }
  }

  /** New data arrived: evaluate after a quiet `debounceMs`, and within `maxDelayMs` at the latest. */
  poke(): void {
    if (this.stopped) return;
    const now = this.now();
    this.firstPokeMs ??= now;
    const deadline = this.firstPokeMs + this.o.maxDelayMs;
    const wait = Math.max(0, Math.min(this.o.debounceMs, deadline - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
    this.timer.unref();
  }

  private run(): void {
    if (this.stopped) return;
    this.firstPokeMs = null;
    // One at a time: a poke during an evaluation schedules the next one instead of a second run.
    if (this.running) {
      this.poke();
      return;
    }
    this.runs++;
    this.running = this.o
      .evaluate()
      .then(() => undefined, this.o.onError)
      .finally(() => (this.running = null));
  }

  /** Stops the timers and waits for an evaluation in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.interval) clearInterval(this.interval);
    this.timer = this.interval = null;
    await this.running;
  }
}

/** The same ingest, poking `onStored` after every batch that stored events. */
export function notifyOnIngest(ingest: Ingest, onStored: () => void): Ingest {
  return {
    ingestBatch: async (gatewayId, batch) => {
      const r = await ingest.ingestBatch(gatewayId, batch);
      if (r.status === 'ACK_STATUS_OK' && r.accepted > 0) onStored();
      return r;
    },
    pendingEvents: () => ingest.pendingEvents(),
    get metrics() {
      return ingest.metrics;
    },
    drain: () => ingest.drain(),
  };
}
