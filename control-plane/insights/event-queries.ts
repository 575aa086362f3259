// The dashboard's read queries over the store, written once for SQLite and PostgreSQL through the
// portable SqlClient (`?` placeholders, CASE instead of FILTER, numbers coerced because pg returns
// BIGINT sums as strings). Every query is bounded by a window and a row limit.
import type { SqlClient } from '../store/sql-client.ts';
import type { TimeWindow } from './time-window.ts';

/**
 * Gateways stamp events with their own clock and ingest clamps it to at most 5 minutes ahead of
 * the control plane, so an event of the window was received no earlier than this before its start;
 * the bound lets the events_received index do the work.
 */
const RECEIVED_SLACK_MS = 5 * 60_000;

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface FlowRow {
  clientIp: string;
  /** Where the gateway sent the calls ('' when no upstream was reported). */
  upstreamIp: string;
  gatewayId: string;
  host: string;
  endpointId: string;
  requests: number;
  blocked: number;
  rateLimited: number;
  errors: number;
  sensitive: number;
}

/** Traffic of the window grouped by client address, gateway and endpoint, busiest first. */
export async function flowRows(sql: SqlClient, w: TimeWindow, limit: number): Promise<FlowRow[]> {
  const rows = await sql.query(
    `SELECT client_ip, gateway_id, host, endpoint_id, upstream_ip, COUNT(*) AS requests,
       SUM(CASE WHEN action = 'ACTION_BLOCK' THEN 1 ELSE 0 END) AS blocked,
       SUM(CASE WHEN action = 'ACTION_RATE_LIMIT' THEN 1 ELSE 0 END) AS rate_limited,
       SUM(CASE WHEN status >= 500 OR status = 0 THEN 1 ELSE 0 END) AS errors,
       SUM(CASE WHEN finding_count > 0 THEN 1 ELSE 0 END) AS sensitive
     FROM events WHERE received_ms >= ? AND ts_ms >= ? AND ts_ms < ?
     GROUP BY client_ip, gateway_id, host, endpoint_id, upstream_ip
     ORDER BY requests DESC, endpoint_id LIMIT ?`,
    [w.sinceMs - RECEIVED_SLACK_MS, w.sinceMs, w.untilMs, limit],
  );
  return rows.map((r) => ({
    clientIp: String(r.client_ip),
    upstreamIp: String(r.upstream_ip ?? ''),
    gatewayId: String(r.gateway_id),
    host: String(r.host),
    endpointId: String(r.endpoint_id),
    requests: n(r.requests),
    blocked: n(r.blocked),
    rateLimited: n(r.rate_limited),
    errors: n(r.errors),
    sensitive: n(r.sensitive),
  }));
}

export interface FindingEventRow {
  tsMs: number;
  endpointId: string;
  status: number;
  clientIp: string;
  /** The event's stored detail JSON (findings carry type and masked preview, never values). */
  detail: string;
}

/** Events of the window that carried findings, newest first. */
export async function findingEvents(sql: SqlClient, w: TimeWindow, limit: number, endpointId?: string): Promise<FindingEventRow[]> {
  const params: unknown[] = [w.sinceMs - RECEIVED_SLACK_MS, w.sinceMs, w.untilMs];
  let where = 'received_ms >= ? AND ts_ms >= ? AND ts_ms < ? AND finding_count > 0';
  if (endpointId) {
    where += ' AND endpoint_id = ?';
    params.push(endpointId);
  }
  const rows = await sql.query(
    `SELECT ts_ms, endpoint_id, status, client_ip, detail FROM events WHERE ${where} ORDER BY ts_ms DESC LIMIT ?`,
    [...params, limit],
  );
  return rows.map((r) => ({
    tsMs: n(r.ts_ms),
    endpointId: String(r.endpoint_id),
    status: n(r.status),
    clientIp: String(r.client_ip),
    detail: String(r.detail ?? ''),
  }));
}

export interface EndpointLabel {
  id: string;
  host: string;
  method: string;
  pathTemplate: string;
}

/** Host, method and template of endpoints by id (unknown ids are left out). */
export async function endpointLabels(sql: SqlClient, ids: readonly string[]): Promise<Map<string, EndpointLabel>> {
  const out = new Map<string, EndpointLabel>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = await sql.query(
      `SELECT id, host, method, path_template FROM endpoints WHERE id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) {
      out.set(String(r.id), { id: String(r.id), host: String(r.host), method: String(r.method), pathTemplate: String(r.path_template) });
    }
  }
  return out;
}

export interface MinuteTotals {
  t: number;
  requests: number;
  errors: number;
  blocked: number;
  findings: number;
}

/** Per-minute totals over every endpoint (or one), from the additive minute aggregates. */
export async function minuteTotals(sql: SqlClient, fromMs: number, toMs: number, endpointId?: string): Promise<MinuteTotals[]> {
  const params: unknown[] = [fromMs, toMs];
  let where = 'minute_ms >= ? AND minute_ms < ?';
  if (endpointId) {
    where += ' AND endpoint_id = ?';
    params.push(endpointId);
  }
  const rows = await sql.query(
    `SELECT minute_ms, SUM(requests) AS requests, SUM(s5xx) + SUM(s0xx) AS errors, SUM(blocked) AS blocked, SUM(findings) AS findings
     FROM endpoint_minutes WHERE ${where} GROUP BY minute_ms ORDER BY minute_ms`,
    params,
  );
  return rows.map((r) => ({
    t: n(r.minute_ms),
    requests: n(r.requests),
    errors: n(r.errors),
    blocked: n(r.blocked),
    findings: n(r.findings),
  }));
}

export interface EndpointCounts {
  total: number;
  internal: number;
  external: number;
}

/** Endpoints in the inventory; internal = only ever called from internal networks (as EndpointRecord.internal). */
export async function endpointCounts(sql: SqlClient): Promise<EndpointCounts> {
  const [r] = await sql.query(
    `SELECT COUNT(*) AS total,
       SUM(CASE WHEN internal_requests > 0 AND external_requests = 0 THEN 1 ELSE 0 END) AS internal
     FROM endpoints`,
  );
  const total = n(r?.total);
  const internal = n(r?.internal);
  return { total, internal, external: total - internal };
}
