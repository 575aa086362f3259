// What every alert channel implements: send one alert, say whether a failure is worth retrying.
import type { PostureEvent } from '../posture/posture-changes.ts';

export interface SendResult {
  ok: boolean;
  /** HTTP status or SMTP reply code when there was one. */
  status?: number;
  /** False for failures that will not get better (bad routing key, 404 webhook). */
  retryable: boolean;
  /** Milliseconds the receiver asked us to wait (Retry-After). */
  retryAfterMs?: number;
  error?: string;
}

export interface AlertMessage {
  event: PostureEvent;
  /** Events folded into this one by storm limiting (a summary alert). */
  suppressed?: number;
}

export interface AlertChannel {
  send(message: AlertMessage, timeoutMs: number): Promise<SendResult>;
  close?(): void;
}

/** Human text of an alert, shared by Slack and email. */
export function alertText(m: AlertMessage): string {
  const e = m.event;
  const head = e.resolves ? 'RESOLVED' : e.severity.toUpperCase();
  const storm = m.suppressed ? `\n(${m.suppressed} more alerts were held back by storm limiting; see the posture event log)` : '';
  return `[Palisade ${head}] ${e.summary}\n${e.kind} · ${e.method} ${e.host}${e.path} · ${new Date(e.at).toISOString()}${storm}`;
}

/** Classifies an HTTP response. 408, 425, 429 and 5xx are transient; other 4xx are not. */
export function httpResult(status: number, retryAfter: string | null, body: string): SendResult {
  if (status >= 200 && status < 300) return { ok: true, status, retryable: false };
  const retryable = status >= 500 || status === 408 || status === 425 || status === 429;
  let retryAfterMs: number | undefined;
  if (retryAfter) {
    const s = Number(retryAfter);
    retryAfterMs = Number.isFinite(s) ? s * 1000 : Math.max(0, Date.parse(retryAfter) - Date.now()) || undefined;
  }
  return {
    ok: false,
    status,
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    error: `HTTP ${status}: ${body.slice(0, 200)}`,
  };
}

/** POSTs JSON with a deadline; network errors and timeouts are retryable. */
export async function postJson(url: string, payload: unknown, timeoutMs: number): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const body = await res.text().catch(() => '');
    return httpResult(res.status, res.headers.get('retry-after'), body);
  } catch (e) {
    const err = e as Error;
    const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
    return {
      ok: false,
      retryable: true,
      error: timeout ? `timed out after ${timeoutMs} ms` : `${err.message}${err.cause ? `: ${(err.cause as Error).message}` : ''}`,
    };
  }
}
