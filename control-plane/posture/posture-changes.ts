// Posture changes: the difference between two snapshots, as events. Each event has a dedup key that
// names the condition (not the occurrence), so an alert channel can resolve it when the condition
// goes away (PagerDuty `resolve` with the same key).
import { createHash } from 'node:crypto';
import type { EndpointPosture, PostureSnapshot } from './posture-evaluate.ts';

export type PostureEventKind =
  | 'endpoint-new'
  | 'sensitive-data-new'
  | 'risk-threshold-crossed'
  | 'conformance-violation-new'
  | 'conformance-violation-resolved'
  | 'auth-weakened'
  | 'endpoint-zombie';

/** Every kind, declared once (alert route filters and the API's query enums read it). */
export const POSTURE_EVENT_KINDS: readonly PostureEventKind[] = Object.freeze([
  'endpoint-new',
  'sensitive-data-new',
  'risk-threshold-crossed',
  'conformance-violation-new',
  'conformance-violation-resolved',
  'auth-weakened',
  'endpoint-zombie',
]);

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface PostureEvent {
  id: string;
  at: number;
  kind: PostureEventKind;
  severity: Severity;
  host: string;
  method: string;
  path: string;
  summary: string;
  /** Identifies the condition; `resolves` events carry the key of what they resolve. */
  dedupKey: string;
  /** True when this event ends a condition a previous event opened. */
  resolves: boolean;
  data: Record<string, unknown>;
}

const WEAKNESS: Record<string, number> = {
  none: 5,
  'api-key-query': 4,
  basic: 3,
  other: 2,
  cookie: 2,
  'api-key-header': 2,
  bearer: 1,
  jwt: 1,
  mtls: 0,
};

function weakest(schemes: readonly string[]): number {
  return schemes.reduce((w, s) => Math.max(w, WEAKNESS[s] ?? 2), -1);
}

const SENSITIVE_SEVERITY: Record<string, Severity> = { credit_card: 'critical', us_ssn: 'critical', iban: 'high' };

function riskSeverity(score: number): Severity {
  return score >= 90 ? 'critical' : score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low';
}

export function diffPosture(prev: PostureSnapshot | null, next: PostureSnapshot, thresholds: readonly number[]): PostureEvent[] {
  const events: PostureEvent[] = [];
  const emit = (
    e: EndpointPosture,
    kind: PostureEventKind,
    severity: Severity,
    summary: string,
    condition: string,
    data: Record<string, unknown>,
    resolves = false,
  ): void => {
    const dedupKey = createHash('sha256')
      .update(`${kind.replace(/-resolved$/, '-new')}\0${e.key}\0${condition}`)
      .digest('hex')
      .slice(0, 32);
    const id = createHash('sha256').update(`${dedupKey}\0${next.at}\0${resolves}`).digest('hex').slice(0, 24);
    events.push({ id, at: next.at, kind, severity, host: e.host, method: e.method, path: e.path, summary, dedupKey, resolves, data });
  };
  for (const [key, cur] of next.endpoints) {
    const old = prev?.endpoints.get(key);
    if (!old) {
      emit(cur, 'endpoint-new', 'info', `new endpoint ${cur.method} ${cur.host}${cur.path}`, '', { risk: cur.risk.score });
    }
    const oldTypes = new Set(old?.findingTypes ?? []);
    for (const t of cur.findingTypes) {
      if (!oldTypes.has(t))
        emit(cur, 'sensitive-data-new', SENSITIVE_SEVERITY[t] ?? 'high', `${t} now seen on ${cur.method} ${cur.path}`, t, { type: t });
    }
    const before = old?.risk.score ?? 0;
    const after = cur.risk.score;
    for (const th of thresholds) {
      if (before < th && after >= th)
        emit(
          cur,
          'risk-threshold-crossed',
          riskSeverity(after),
          `risk ${before} → ${after} crossed ${th} on ${cur.method} ${cur.path}`,
          String(th),
          { threshold: th, from: before, to: after, breakdown: cur.risk.breakdown },
        );
      else if (old && before >= th && after < th)
        emit(
          cur,
          'risk-threshold-crossed',
          'info',
          `risk ${before} → ${after} fell below ${th} on ${cur.method} ${cur.path}`,
          String(th),
          { threshold: th, from: before, to: after },
          true,
        );
    }
    const oldV = new Map((old?.violations ?? []).map((v) => [`${v.kind} ${v.subject}`, v]));
    const curV = new Map(cur.violations.map((v) => [`${v.kind} ${v.subject}`, v]));
    for (const [k, v] of curV) {
      if (v.kind === 'shadow' || v.kind === 'zombie' || v.kind === 'undocumented-path') continue;
      if (!oldV.has(k))
        emit(cur, 'conformance-violation-new', 'medium', `${v.kind}: ${v.detail}`, k, {
          kind: v.kind,
          subject: v.subject,
          count: v.count,
          spec: v.spec,
        });
    }
    for (const [k, v] of oldV) {
      if (v.kind === 'shadow' || v.kind === 'zombie' || v.kind === 'undocumented-path') continue;
      if (!curV.has(k))
        emit(
          cur,
          'conformance-violation-resolved',
          'info',
          `resolved ${v.kind}: ${v.detail}`,
          k,
          { kind: v.kind, subject: v.subject },
          true,
        );
    }
    if (old && weakest(cur.authSchemes) > weakest(old.authSchemes)) {
      emit(
        cur,
        'auth-weakened',
        'high',
        `auth weakened on ${cur.method} ${cur.path}: ${old.authSchemes.join(',') || 'none'} → ${cur.authSchemes.join(',')}`,
        cur.authSchemes.join(','),
        { from: old.authSchemes, to: cur.authSchemes },
      );
    }
    const wasZombie = old?.classes.some((c) => c.class === 'zombie') ?? false;
    const zombie = cur.classes.find((c) => c.class === 'zombie');
    if (zombie && !wasZombie)
      emit(cur, 'endpoint-zombie', 'medium', `${cur.method} ${cur.path} turned zombie: ${zombie.detail}`, '', { reason: zombie.reason });
  }
  return events;
}
