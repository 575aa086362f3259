// Number and time formatting shared by every page.
import { num } from './api.ts';

export const fmtInt = (v: number | string | undefined) => num(v).toLocaleString('en-US');

export function fmtCompact(v: number | string | undefined): string {
  const n = num(v);
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

export function fmtAgo(ms: number | string | undefined, now = Date.now()): string {
  const t = num(ms);
  if (!t) return 'never';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export const fmtTime = (ms: number | string | undefined) =>
  num(ms) ? new Date(num(ms)).toISOString().replace('T', ' ').slice(0, 19) : '—';

export const fmtUs = (us: number | undefined) => (us === undefined ? '—' : us < 1000 ? `${us} µs` : `${(us / 1000).toFixed(1)} ms`);

/** Enum names from the API (`AUTH_SCHEME_BEARER`) shown as words (`bearer`). */
export const enumLabel = (v: string | undefined, prefix: string) => (v ?? '').replace(prefix, '').toLowerCase().replace(/_/g, ' ');
