// Sends posture events to alert routes without ever making the caller wait: `publish` only queues.
// Each route has its own bounded queue and worker, so a Slack outage does not delay PagerDuty, and
// a webhook that hangs costs one timeout per attempt on its own route and nothing on ingestion.
// Failures are retried with exponential backoff and full jitter (or the receiver's Retry-After).
import type { PostureEvent } from '../posture/posture-changes.ts';
import { routeMatches, type AlertRoute } from './alert-route.ts';
import type { AlertChannel, AlertMessage } from './channel.ts';
import { EmailChannel } from './channel-email.ts';
import { PagerDutyChannel } from './channel-pagerduty.ts';
import { SlackChannel } from './channel-slack.ts';
import type { DeliveryLog } from './delivery-log.ts';
import { StormLimiter } from './storm-limiter.ts';

export interface DispatcherOptions {
  log: DeliveryLog;
  /** Per attempt. */
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Queued alerts per route; past it the oldest are dropped (and logged). */
  queueCapacity?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Channel factory, replaceable in tests. */
  channelFor?: (route: AlertRoute) => AlertChannel;
}

export interface DispatcherCounters {
  queued: number;
  delivered: number;
  failed: number;
  retried: number;
  suppressed: number;
  dropped: number;
}

export function defaultChannelFor(route: AlertRoute): AlertChannel {
  const c = route.channel;
  if (c.type === 'slack') return new SlackChannel(c.webhookUrl);
  if (c.type === 'pagerduty') return new PagerDutyChannel(c.routingKey, c.url);
  return new EmailChannel(c);
}

/** Delay before retry `attempt` (1-based): full jitter over an exponential ceiling. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  return Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1)));
}

interface RouteState {
  route: AlertRoute;
  channel: AlertChannel;
  limiter: StormLimiter;
  queue: PostureEvent[];
  running: Promise<void> | null;
}

export class AlertDispatcher {
  private readonly routes = new Map<string, RouteState>();
  private readonly o: Required<Omit<DispatcherOptions, 'channelFor'>> & { channelFor: (r: AlertRoute) => AlertChannel };
  readonly counters: DispatcherCounters = { queued: 0, delivered: 0, failed: 0, retried: 0, suppressed: 0, dropped: 0 };
  private closed = false;

  constructor(routes: readonly AlertRoute[], options: DispatcherOptions) {
    this.o = {
      timeoutMs: 5000,
      maxAttempts: 5,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      queueCapacity: 1000,
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
      random: Math.random,
      channelFor: defaultChannelFor,
      ...options,
    };
    this.setRoutes(routes);
  }

  /** Replaces the routes (after an API change). Queues of kept routes survive. */
  setRoutes(routes: readonly AlertRoute[]): void {
    const keep = new Set(routes.map((r) => r.id));
    for (const [id, s] of this.routes) {
      if (keep.has(id)) continue;
      s.channel.close?.();
      this.routes.delete(id);
    }
    for (const route of routes) {
      const cur = this.routes.get(route.id);
      if (cur && cur.route === route) continue;
      cur?.channel.close?.();
      this.routes.set(route.id, {
        route,
        channel: this.o.channelFor(route),
        limiter: new StormLimiter(route.perMinute, route.burst, this.o.now()),
        queue: cur?.queue ?? [],
        running: cur?.running ?? null,
      });
    }
  }

  /** Queues events for every route that wants them. Never waits, never throws. */
  publish(events: readonly PostureEvent[]): void {
    if (this.closed) return;
    for (const s of this.routes.values())
      this.enqueue(
        s,
        events.filter((e) => routeMatches(s.route, e)),
      );
  }

  /** Queues events for one route whatever its filters say (a test alert). False: no such route. */
  publishTo(routeId: string, events: readonly PostureEvent[]): boolean {
    const s = this.routes.get(routeId);
    if (!s || this.closed) return false;
    this.enqueue(s, events);
    return true;
  }

  private enqueue(s: RouteState, events: readonly PostureEvent[]): void {
    for (const e of events) {
      if (s.queue.length >= this.o.queueCapacity) {
        const dropped = s.queue.shift() as PostureEvent;
        this.counters.dropped++;
        this.logEntry(s, dropped, 0, 'dropped', { error: 'route queue full' });
      }
      s.queue.push(e);
      this.counters.queued++;
    }
    if (s.queue.length && !s.running) s.running = this.work(s).finally(() => (s.running = null));
  }

  /** Resolves when every queued alert has been delivered, failed or suppressed. */
  async drain(): Promise<void> {
    for (;;) {
      const running = [...this.routes.values()].map((s) => s.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.routes.values()) {
      s.queue.length = 0;
      s.channel.close?.();
    }
  }

  private logEntry(
    s: RouteState,
    e: PostureEvent,
    attempt: number,
    outcome: Parameters<DeliveryLog['append']>[0]['outcome'],
    extra: { status?: number; error?: string; suppressed?: number } = {},
  ): void {
    try {
      this.o.log.append({
        at: this.o.now(),
        routeId: s.route.id,
        channel: s.route.channel.type,
        eventId: e.id,
        dedupKey: e.dedupKey,
        attempt,
        outcome,
        ...extra,
      });
    } catch {
      // A failing log must not stop alerting.
    }
  }

  private async work(s: RouteState): Promise<void> {
    while (s.queue.length && !this.closed) {
      const event = s.queue.shift() as PostureEvent;
      // Resolves end incidents: they are never held back.
      const held = event.resolves ? 0 : s.limiter.take(this.o.now());
      if (held === null) {
        this.counters.suppressed++;
        this.logEntry(s, event, 0, 'suppressed', { error: 'storm limit' });
        continue;
      }
      await this.deliver(s, { event, ...(held ? { suppressed: held } : {}) });
    }
  }

  private async deliver(s: RouteState, m: AlertMessage): Promise<void> {
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      let r;
      try {
        r = await s.channel.send(m, this.o.timeoutMs);
      } catch (e) {
        r = { ok: false, retryable: true, error: (e as Error).message };
      }
      const extra = {
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.error ? { error: r.error } : {}),
        ...(m.suppressed ? { suppressed: m.suppressed } : {}),
      };
      if (r.ok) {
        this.counters.delivered++;
        this.logEntry(s, m.event, attempt, 'delivered', extra);
        return;
      }
      if (!r.retryable || attempt === this.o.maxAttempts || this.closed) {
        this.counters.failed++;
        this.logEntry(s, m.event, attempt, 'failed', extra);
        return;
      }
      this.counters.retried++;
      this.logEntry(s, m.event, attempt, 'retrying', extra);
      const delay = Math.min(
        this.o.maxDelayMs,
        r.retryAfterMs ?? backoffDelay(attempt, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random),
      );
      await this.o.sleep(delay);
    }
  }
}
