// One-click mitigation as a pure function: the current rule source plus a target (an endpoint, or
// a client → endpoint flow) and an action give the next rule source to publish. Kept free of I/O
// so it is tested on its own and the same rule comes out whoever clicks.
import type { Policy, RuleSource } from './api.ts';

export type MitigationAction = 'log' | 'rate-limit' | 'block';

export interface MitigationTarget {
  host?: string;
  method?: string;
  pathTemplate?: string;
  /** Client networks of a flow node or edge (one network, or every network of an organisation or country), CIDR notation. */
  clientCidrs?: readonly string[];
  label: string;
}

export interface RateLimitChoice {
  rate: number;
  periodSeconds: number;
  burst?: number;
  key: 'RATE_LIMIT_KEY_CLIENT_IP' | 'RATE_LIMIT_KEY_API_KEY' | 'RATE_LIMIT_KEY_GLOBAL' | 'RATE_LIMIT_KEY_HEADER';
  header?: string;
}

/** Stable id: the same target and action always produce the same policy id (FNV-1a of the parts). */
export function policyId(action: MitigationAction, t: MitigationTarget): string {
  const text = [action, t.host, t.method, t.pathTemplate, t.clientCidrs?.join(',')].join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `dashboard-${action}-${h.toString(16).padStart(8, '0')}`;
}

export function mitigationPolicy(action: MitigationAction, t: MitigationTarget, rate?: RateLimitChoice): Policy {
  const match: NonNullable<Policy['match']> = {};
  if (t.host) match.hosts = [t.host];
  if (t.method) match.methods = [t.method.toUpperCase()];
  if (t.pathTemplate) match.paths = [t.pathTemplate];
  if (t.clientCidrs?.length) match.clientCidrs = [...t.clientCidrs];
  const base: Policy = {
    id: policyId(action, t),
    name: `${action === 'block' ? 'Block' : action === 'log' ? 'Log' : 'Rate-limit'} ${t.label} (dashboard)`,
    mode: 'MODE_ENFORCE',
    match,
    priority: action === 'block' ? 10 : action === 'rate-limit' ? 20 : 100,
  };
  if (action === 'block') return { ...base, action: 'ACTION_BLOCK', block: { status: 403 } };
  if (action === 'log') return { ...base, action: 'ACTION_LOG' };
  if (!rate || !(rate.rate > 0) || !(rate.periodSeconds > 0)) throw new Error('a rate limit needs a positive rate and period');
  return {
    ...base,
    action: 'ACTION_RATE_LIMIT',
    rateLimit: {
      rate: rate.rate,
      periodSeconds: rate.periodSeconds,
      burst: rate.burst ?? rate.rate,
      key: rate.key,
      header: rate.header ?? '',
    },
  };
}

/** The next source: the new policy replaces one with the same id, or is appended. */
export function withPolicy(source: RuleSource | undefined, policy: Policy): RuleSource {
  const current = source ?? {};
  const policies = (current.policies ?? []).filter((p) => p.id !== policy.id);
  return { ...current, policies: [...policies, policy] };
}
