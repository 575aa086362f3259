// PagerDuty Events API v2: `trigger` with a dedup key per posture condition, `resolve` with the
// same key when the condition goes away, so one incident tracks one problem however often it fires.
import type { Severity } from '../posture/posture-changes.ts';
import { postJson, type AlertChannel, type AlertMessage, type SendResult } from './channel.ts';

/** PagerDuty knows critical, error, warning, info. */
const PD_SEVERITY: Record<Severity, string> = { critical: 'critical', high: 'error', medium: 'warning', low: 'info', info: 'info' };

export function pagerDutyPayload(routingKey: string, m: AlertMessage): Record<string, unknown> {
  const e = m.event;
  if (e.resolves) return { routing_key: routingKey, event_action: 'resolve', dedup_key: e.dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: e.dedupKey,
    payload: {
      summary: e.summary.slice(0, 1024),
      source: e.host,
      severity: PD_SEVERITY[e.severity],
      timestamp: new Date(e.at).toISOString(),
      component: `${e.method} ${e.path}`,
      group: e.host,
      class: e.kind,
      custom_details: { eventId: e.id, ...(m.suppressed ? { suppressedDuringStorm: m.suppressed } : {}), ...e.data },
    },
  };
}

export class PagerDutyChannel implements AlertChannel {
  private readonly routingKey: string;
  private readonly url: string;
  constructor(routingKey: string, url: string) {
    this.routingKey = routingKey;
    this.url = url;
  }

  send(m: AlertMessage, timeoutMs: number): Promise<SendResult> {
    return postJson(this.url, pagerDutyPayload(this.routingKey, m), timeoutMs);
  }
}
