// Alert routes: which posture events go where. Parsed once into an immutable value; a bad route is
// refused with the field and the rule, before it can fail at 3 a.m.
import { POSTURE_EVENT_KINDS, type PostureEvent, type PostureEventKind, type Severity } from '../posture/posture-changes.ts';

export type ChannelConfig =
  | { type: 'slack'; webhookUrl: string }
  | { type: 'pagerduty'; routingKey: string; url: string }
  | {
      type: 'email';
      host: string;
      port: number;
      secure: boolean;
      user?: string;
      pass?: string;
      from: string;
      to: string[];
      ignoreTls: boolean;
    };

export interface AlertRoute {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly channel: Readonly<ChannelConfig>;
  /** Empty: every kind. */
  readonly kinds: readonly PostureEventKind[];
  readonly minSeverity: Severity;
  /** Empty: every host. */
  readonly hosts: readonly string[];
  /** Alerts per minute before storm limiting; bursts up to `burst`. */
  readonly perMinute: number;
  readonly burst: number;
  /** Also send events that resolve a condition (PagerDuty always resolves its incidents). */
  readonly sendResolves: boolean;
}

export class AlertRouteError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'AlertRouteError';
    this.path = path;
  }
}

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const KINDS = POSTURE_EVENT_KINDS;

/** PagerDuty Events API v2 endpoint (used unless a route overrides it, e.g. a proxy or a test). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

function str(o: Record<string, unknown>, k: string, path: string, opts: { optional?: boolean; max?: number } = {}): string | undefined {
  const v = o[k];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > (opts.max ?? 2048))
    throw new AlertRouteError(`${path}.${k}`, `must be a non-empty string of at most ${opts.max ?? 2048} characters`);
  return v;
}

function httpsUrl(v: string, path: string, allowHttp: boolean): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new AlertRouteError(path, 'must be an absolute URL');
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:')) throw new AlertRouteError(path, 'must be an https URL');
  return u.toString();
}

function parseChannel(raw: unknown, path: string, allowHttp: boolean): ChannelConfig {
  if (!raw || typeof raw !== 'object') throw new AlertRouteError(path, 'must be an object');
  const c = raw as Record<string, unknown>;
  switch (c.type) {
    case 'slack':
      return { type: 'slack', webhookUrl: httpsUrl(str(c, 'webhookUrl', path) as string, `${path}.webhookUrl`, allowHttp) };
    case 'pagerduty': {
      const routingKey = str(c, 'routingKey', path, { max: 64 }) as string;
      const url = c.url === undefined ? PAGERDUTY_EVENTS_URL : httpsUrl(str(c, 'url', path) as string, `${path}.url`, allowHttp);
      return { type: 'pagerduty', routingKey, url };
    }
    case 'email': {
      const host = str(c, 'host', path, { max: 253 }) as string;
      const port = c.port === undefined ? 587 : c.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
        throw new AlertRouteError(`${path}.port`, 'must be a port number');
      const to = c.to;
      if (!Array.isArray(to) || to.length === 0 || to.length > 50 || !to.every((x) => typeof x === 'string' && /^[^\s@]+@[^\s@]+$/.test(x)))
        throw new AlertRouteError(`${path}.to`, 'must be 1-50 email addresses');
      const from = str(c, 'from', path, { max: 320 }) as string;
      const user = str(c, 'user', path, { optional: true, max: 320 });
      const pass = str(c, 'pass', path, { optional: true, max: 1024 });
      return {
        type: 'email',
        host,
        port,
        secure: c.secure === true,
        from,
        to: to as string[],
        ignoreTls: c.ignoreTls === true,
        ...(user ? { user } : {}),
        ...(pass ? { pass } : {}),
      };
    }
    default:
      throw new AlertRouteError(`${path}.type`, 'must be slack, pagerduty or email');
  }
}

/**
 * Validates a route. `allowHttp` admits plain-http URLs (tests, a local relay); production routes
 * carry secrets (webhook paths, routing keys) and must use https.
 */
export function parseAlertRoute(raw: unknown, opts: { allowHttp?: boolean } = {}): AlertRoute {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AlertRouteError('route', 'must be an object');
  const r = raw as Record<string, unknown>;
  const id = str(r, 'id', 'route', { max: 64 }) as string;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new AlertRouteError('route.id', 'must be lower-case letters, digits and dashes');
  const kinds = r.kinds ?? [];
  if (!Array.isArray(kinds) || !kinds.every((k) => KINDS.includes(k as PostureEventKind)))
    throw new AlertRouteError('route.kinds', `must be a list of ${KINDS.join(', ')}`);
  const minSeverity = (r.minSeverity ?? 'info') as Severity;
  if (!SEVERITIES.includes(minSeverity)) throw new AlertRouteError('route.minSeverity', `must be one of ${SEVERITIES.join(', ')}`);
  const hosts = r.hosts ?? [];
  if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string'))
    throw new AlertRouteError('route.hosts', 'must be a list of host names');
  const perMinute = r.perMinute ?? 10;
  if (typeof perMinute !== 'number' || !(perMinute > 0) || perMinute > 10_000)
    throw new AlertRouteError('route.perMinute', 'must be a number in (0, 10000]');
  const burst = r.burst ?? 20;
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > 10_000)
    throw new AlertRouteError('route.burst', 'must be an integer in [1, 10000]');
  return Object.freeze({
    id,
    name: str(r, 'name', 'route', { optional: true, max: 200 }) ?? id,
    enabled: r.enabled !== false,
    channel: Object.freeze(parseChannel(r.channel, 'route.channel', opts.allowHttp === true)),
    kinds: Object.freeze([...(kinds as PostureEventKind[])]),
    minSeverity,
    hosts: Object.freeze((hosts as string[]).map((h) => h.toLowerCase())),
    perMinute,
    burst,
    sendResolves: r.sendResolves !== false,
  });
}

/** Whether `route` wants `event`. */
export function routeMatches(route: AlertRoute, event: PostureEvent): boolean {
  if (!route.enabled) return false;
  if (event.resolves && !route.sendResolves && route.channel.type !== 'pagerduty') return false;
  if (
    route.kinds.length &&
    !route.kinds.includes(event.kind) &&
    !(event.resolves && route.kinds.includes(event.kind.replace(/-resolved$/, '-new') as PostureEventKind))
  )
    return false;
  if (route.hosts.length && !route.hosts.includes(event.host)) return false;
  // A resolve is as important as what it resolves, whatever its own severity says.
  return event.resolves || SEVERITIES.indexOf(event.severity) >= SEVERITIES.indexOf(route.minSeverity);
}

/** Redacts secrets for listing routes over the API. */
export function redactRoute(route: AlertRoute): Record<string, unknown> {
  const c = route.channel;
  const channel =
    c.type === 'slack'
      ? { type: c.type, webhookUrl: `${new URL(c.webhookUrl).origin}/…` }
      : c.type === 'pagerduty'
        ? { type: c.type, routingKey: `${c.routingKey.slice(0, 4)}…`, url: c.url }
        : { type: c.type, host: c.host, port: c.port, secure: c.secure, from: c.from, to: c.to, ...(c.user ? { user: c.user } : {}) };
  return { ...route, channel };
}
