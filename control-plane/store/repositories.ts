// Read-side and low-rate repositories, written once over SqlClient for both dialects. The hot
// write path (IngestRepository) has one implementation per dialect: sqlite-ingest.ts and
// postgres-ingest.ts.
import { createHash } from 'node:crypto';
import { ENDPOINT_ADD_COLS, LAT_COLS, MINUTE_COLS, STATUS_COLS } from './columns.ts';
import { FIELD_COLS, FINDING_COLS, fieldsOnConflict, findingsOnConflict, minutesOnConflict } from './upserts.ts';
import { authSchemeNames } from './enum-bits.ts';
import { percentile } from './latency.ts';
import type { Row, SqlClient } from './sql-client.ts';
import {
  FINDING_DISTINCT_CAP,
  type AggregateRepository,
  type BatchKey,
  type BatchRepository,
  type EndpointField,
  type EndpointFindingSummary,
  type EndpointKey,
  type EndpointRecord,
  type EndpointRepository,
  type EventRecord,
  type EventRepository,
  type FindingRepository,
  type GatewayInfo,
  type GatewayRecord,
  type GatewayRepository,
  type MinuteAggregate,
  type Page,
  type PageQuery,
  type StatusCounts,
} from './types.ts';

/** Deterministic, so replicas that discover the same template independently agree on its id. */
export function endpointIdFor(key: EndpointKey): string {
  return 'ep_' + createHash('sha256').update(`${key.host}\0${key.method}\0${key.pathTemplate}`).digest('hex').slice(0, 20);
}

export function pageLimit(q: PageQuery): number {
  const n = Math.trunc(q.limit ?? 100);
  return Number.isFinite(n) ? Math.min(1000, Math.max(1, n)) : 100;
}

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; null for anything else (never throws on user input). */
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    /* fall through */
  }
  return null;
}

function page<T>(rows: T[], limit: number, key: (last: T) => (string | number)[]): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: '' };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1]!)) };
}

const num = (v: unknown) => Number(v ?? 0);
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

function statusOf(r: Row): StatusCounts {
  return { s0xx: num(r.s0xx), s1xx: num(r.s1xx), s2xx: num(r.s2xx), s3xx: num(r.s3xx), s4xx: num(r.s4xx), s5xx: num(r.s5xx) };
}

export function endpointFromRow(r: Row): EndpointRecord {
  const latency = LAT_COLS.map((c) => num(r[c]));
  const internalRequests = num(r.internal_requests);
  const externalRequests = num(r.external_requests);
  return {
    id: str(r.id),
    host: str(r.host),
    method: str(r.method),
    pathTemplate: str(r.path_template),
    firstSeenMs: num(r.first_seen_ms),
    lastSeenMs: num(r.last_seen_ms),
    requests: num(r.requests),
    ...statusOf(r),
    latency,
    latencyP50Us: percentile(latency, 0.5),
    latencyP95Us: percentile(latency, 0.95),
    latencyP99Us: percentile(latency, 0.99),
    authSchemes: authSchemeNames(num(r.auth_mask)),
    internalRequests,
    externalRequests,
    internal: internalRequests > 0 && externalRequests === 0,
  };
}

function eventFromRow(r: Row): EventRecord {
  return {
    gatewayId: str(r.gateway_id),
    eventId: str(r.event_id),
    timestampMs: num(r.ts_ms),
    receivedMs: num(r.received_ms),
    host: str(r.host),
    method: str(r.method),
    path: str(r.path),
    endpointId: str(r.endpoint_id),
    status: num(r.status),
    latencyUs: num(r.latency_us),
    requestBytes: num(r.request_bytes),
    responseBytes: num(r.response_bytes),
    clientIp: str(r.client_ip),
    authScheme: str(r.auth_scheme),
    findingCount: num(r.finding_count),
    action: str(r.action),
    rulesVersion: str(r.rules_version),
    detail: str(r.detail),
  };
}

function minuteFromRow(r: Row): MinuteAggregate {
  return {
    endpointId: str(r.endpoint_id),
    minuteMs: num(r.minute_ms),
    requests: num(r.requests),
    ...statusOf(r),
    findings: num(r.findings),
    blocked: num(r.blocked),
    requestBytes: num(r.request_bytes),
    responseBytes: num(r.response_bytes),
    latencySumUs: num(r.latency_sum_us),
    latency: LAT_COLS.map((c) => num(r[c])),
  };
}

function gatewayFromRow(r: Row): GatewayRecord {
  return {
    id: str(r.id),
    kind: str(r.kind),
    version: str(r.version),
    hostname: str(r.hostname),
    bootId: str(r.boot_id),
    firstSeenMs: num(r.first_seen_ms),
    lastHeartbeatMs: num(r.last_heartbeat_ms),
    eventsReceived: num(r.events_received),
    eventsDropped: num(r.dropped_prev_boots) + num(r.dropped_boot),
    requestsSeen: num(r.requests_prev_boots) + num(r.requests_boot),
    rulesVersionAcked: num(r.rules_version_acked),
    rulesVersionRejected: num(r.rules_version_rejected),
    rejectReason: str(r.reject_reason),
    connected: num(r.connections) > 0,
  };
}

function fieldFromRow(r: Row): EndpointField {
  return {
    endpointId: str(r.endpoint_id),
    location: str(r.location) as EndpointField['location'],
    name: str(r.name),
    typeMask: num(r.type_mask),
    format: str(r.format),
    count: num(r.count),
    firstSeenMs: num(r.first_seen_ms),
    lastSeenMs: num(r.last_seen_ms),
  };
}

function createEventRepository(sql: SqlClient): EventRepository {
  return {
    async list(q) {
      const limit = pageLimit(q);
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.gatewayId) {
        where.push('gateway_id = ?');
        params.push(q.gatewayId);
      }
      if (q.endpointId) {
        where.push('endpoint_id = ?');
        params.push(q.endpointId);
      }
      if (q.fromMs !== undefined) {
        where.push('ts_ms >= ?');
        params.push(q.fromMs);
      }
      if (q.toMs !== undefined) {
        where.push('ts_ms < ?');
        params.push(q.toMs);
      }
      const c = decodeCursor(q.cursor, 3);
      if (c) {
        where.push('(ts_ms, gateway_id, event_id) < (?, ?, ?)');
        params.push(...c);
      }
      const rows = await sql.query(
        `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY ts_ms DESC, gateway_id DESC, event_id DESC LIMIT ?`,
        [...params, limit + 1],
      );
      return page(rows.map(eventFromRow), limit, (e) => [e.timestampMs, e.gatewayId, e.eventId]);
    },
    async count(q = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.gatewayId) {
        where.push('gateway_id = ?');
        params.push(q.gatewayId);
      }
      if (q.endpointId) {
        where.push('endpoint_id = ?');
        params.push(q.endpointId);
      }
      const [r] = await sql.query(`SELECT COUNT(*) AS n FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`, params);
      return num(r?.n);
    },
    async prune(beforeMs) {
      if (sql.dialect === 'postgres') return dropPartitionsBefore(sql, beforeMs);
      // Bounded chunks keep each write transaction short so ingest is never stalled for long.
      let total = 0;
      for (;;) {
        const { changes } = await sql.run(
          'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE received_ms < ? LIMIT 10000)',
          [beforeMs],
        );
        total += changes;
        if (changes < 10000) return total;
      }
    },
  };
}

/** PostgreSQL: a partition whose whole day is older than the cut-off is dropped (O(1)). */
async function dropPartitionsBefore(sql: SqlClient, beforeMs: number): Promise<number> {
  const rows = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE p.relname = 'events' AND n.nspname = current_schema()`,
  );
  let dropped = 0;
  for (const { name } of rows) {
    const m = /^events_d(\d+)$/.exec(name);
    if (!m) continue;
    const dayEnd = (Number(m[1]) + 1) * 86_400_000;
    if (dayEnd <= beforeMs) {
      await sql.run(`DROP TABLE IF EXISTS "${name}"`);
      dropped++;
    }
  }
  return dropped;
}

function createAggregateRepository(sql: SqlClient): AggregateRepository {
  return {
    async series(endpointId, fromMs, toMs) {
      const rows = await sql.query(
        'SELECT * FROM endpoint_minutes WHERE endpoint_id = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms',
        [endpointId, fromMs, toMs],
      );
      return rows.map(minuteFromRow);
    },
    async prune(beforeMs) {
      return (await sql.run('DELETE FROM endpoint_minutes WHERE minute_ms < ?', [beforeMs])).changes;
    },
  };
}

async function resolveAlias(sql: SqlClient, id: string): Promise<string> {
  const [r] = await sql.query<{ endpoint_id: string }>('SELECT endpoint_id FROM endpoint_aliases WHERE old_id = ?', [id]);
  return r ? r.endpoint_id : id;
}

function createEndpointRepository(sql: SqlClient): EndpointRepository {
  return {
    async ensure(keys, nowMs) {
      if (keys.length === 0) return [];
      return sql.transaction(async (tx) => {
        const ids: string[] = [];
        for (const k of keys) {
          await tx.run(
            `INSERT INTO endpoints (id, host, method, path_template, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT DO NOTHING`,
            [endpointIdFor(k), k.host, k.method, k.pathTemplate, nowMs, nowMs],
          );
          const [r] = await tx.query<{ id: string }>('SELECT id FROM endpoints WHERE host = ? AND method = ? AND path_template = ?', [
            k.host,
            k.method,
            k.pathTemplate,
          ]);
          // The insert may have conflicted on the id of a re-templated endpoint: follow its alias.
          ids.push(r ? r.id : await resolveAlias(tx, endpointIdFor(k)));
        }
        return ids;
      });
    },
    async get(id) {
      const real = await resolveAlias(sql, id);
      const [r] = await sql.query('SELECT * FROM endpoints WHERE id = ?', [real]);
      return r ? endpointFromRow(r) : null;
    },
    async list(q) {
      const limit = pageLimit(q);
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.host) {
        where.push('host = ?');
        params.push(q.host);
      }
      if (q.method) {
        where.push('method = ?');
        params.push(q.method.toUpperCase());
      }
      if (q.search) {
        where.push(`path_template LIKE ? ESCAPE '\\'`);
        params.push(`%${q.search.replace(/[\\%_]/g, '\\$&')}%`);
      }
      const filter = where.length ? 'WHERE ' + where.join(' AND ') : '';
      const [t] = await sql.query(`SELECT COUNT(*) AS n FROM endpoints ${filter}`, params);
      const c = decodeCursor(q.cursor, 1);
      const pageWhere = c ? (filter ? `${filter} AND id > ?` : 'WHERE id > ?') : filter;
      const rows = await sql.query(`SELECT * FROM endpoints ${pageWhere} ORDER BY id LIMIT ?`, [...params, ...(c ?? []), limit + 1]);
      return { ...page(rows.map(endpointFromRow), limit, (e) => [e.id]), total: num(t?.n) };
    },
    async fields(id) {
      const real = await resolveAlias(sql, id);
      const rows = await sql.query('SELECT * FROM endpoint_fields WHERE endpoint_id = ? ORDER BY location, name', [real]);
      return rows.map(fieldFromRow);
    },
    async retemplate(keepId, newTemplate, mergeIds) {
      const others = mergeIds.filter((m) => m !== keepId);
      const least = sql.dialect === 'postgres' ? 'LEAST' : 'MIN';
      const greatest = sql.dialect === 'postgres' ? 'GREATEST' : 'MAX';
      await sql.transaction(async (tx) => {
        if (others.length) {
          const rows = await tx.query(`SELECT * FROM endpoints WHERE id IN (${others.map(() => '?').join(', ')})`, others);
          if (rows.length) {
            const sums = ENDPOINT_ADD_COLS.map((c) => rows.reduce((a, r) => a + num(r[c]), 0));
            const first = Math.min(...rows.map((r) => num(r.first_seen_ms)));
            const last = Math.max(...rows.map((r) => num(r.last_seen_ms)));
            const mask = rows.reduce((a, r) => a | num(r.auth_mask), 0);
            await tx.run(
              `UPDATE endpoints SET ${ENDPOINT_ADD_COLS.map((c) => `${c} = ${c} + ?`).join(', ')},
                 first_seen_ms = ${least}(first_seen_ms, ?), last_seen_ms = ${greatest}(last_seen_ms, ?), auth_mask = auth_mask | ?
               WHERE id = ?`,
              [...sums, first, last, mask, keepId],
            );
          }
          for (const old of others) {
            // Fold the merged endpoint's rows into the kept one additively, then drop them.
            const mc = MINUTE_COLS.filter((c) => c !== 'endpoint_id');
            await tx.run(
              `INSERT INTO endpoint_minutes (endpoint_id, ${mc.join(', ')}) SELECT ?, ${mc.join(', ')} FROM endpoint_minutes WHERE endpoint_id = ? ${minutesOnConflict()}`,
              [keepId, old],
            );
            const fc = FIELD_COLS.filter((c) => c !== 'endpoint_id');
            await tx.run(
              `INSERT INTO endpoint_fields (endpoint_id, ${fc.join(', ')}) SELECT ?, ${fc.join(', ')} FROM endpoint_fields WHERE endpoint_id = ? ${fieldsOnConflict(sql.dialect)}`,
              [keepId, old],
            );
            const gc = FINDING_COLS.filter((c) => c !== 'endpoint_id');
            await tx.run(
              `INSERT INTO endpoint_findings (endpoint_id, ${gc.join(', ')}) SELECT ?, ${gc.join(', ')} FROM endpoint_findings WHERE endpoint_id = ? ${findingsOnConflict(sql.dialect)}`,
              [keepId, old],
            );
            await tx.run(
              'INSERT INTO finding_values (endpoint_id, type, value_hash) SELECT ?, type, value_hash FROM finding_values WHERE endpoint_id = ? ON CONFLICT DO NOTHING',
              [keepId, old],
            );
            for (const table of ['endpoint_minutes', 'endpoint_fields', 'endpoint_findings', 'finding_values']) {
              await tx.run(`DELETE FROM ${table} WHERE endpoint_id = ?`, [old]);
            }
            await tx.run('UPDATE events SET endpoint_id = ? WHERE endpoint_id = ?', [keepId, old]);
            await tx.run('DELETE FROM endpoints WHERE id = ?', [old]);
            await tx.run('UPDATE endpoint_aliases SET endpoint_id = ? WHERE endpoint_id = ?', [keepId, old]);
            await tx.run(
              'INSERT INTO endpoint_aliases (old_id, endpoint_id) VALUES (?, ?) ON CONFLICT (old_id) DO UPDATE SET endpoint_id = excluded.endpoint_id',
              [old, keepId],
            );
          }
        }
        await tx.run('UPDATE endpoints SET path_template = ? WHERE id = ?', [newTemplate, keepId]);
      });
    },
    async count() {
      const [r] = await sql.query('SELECT COUNT(*) AS n FROM endpoints');
      return num(r?.n);
    },
  };
}

function createFindingRepository(sql: SqlClient): FindingRepository {
  return {
    async list(q) {
      const limit = pageLimit(q);
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.endpointId) {
        where.push('f.endpoint_id = ?');
        params.push(await resolveAlias(sql, q.endpointId));
      }
      if (q.type) {
        where.push('f.type = ?');
        params.push(q.type);
      }
      if (q.category) {
        where.push('f.category = ?');
        params.push(q.category);
      }
      const c = decodeCursor(q.cursor, 3);
      if (c) {
        where.push('(f.endpoint_id, f.type, f.direction) > (?, ?, ?)');
        params.push(...c);
      }
      const rows = await sql.query(
        `SELECT f.*, (SELECT COUNT(*) FROM finding_values v WHERE v.endpoint_id = f.endpoint_id AND v.type = f.type) AS distinct_values
           FROM endpoint_findings f ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
          ORDER BY f.endpoint_id, f.type, f.direction LIMIT ?`,
        [...params, limit + 1],
      );
      const items: EndpointFindingSummary[] = rows.map((r) => ({
        endpointId: str(r.endpoint_id),
        type: str(r.type),
        direction: str(r.direction),
        category: str(r.category),
        count: num(r.count),
        distinctValues: Math.min(num(r.distinct_values), FINDING_DISTINCT_CAP),
        firstSeenMs: num(r.first_seen_ms),
        lastSeenMs: num(r.last_seen_ms),
      }));
      return page(items, limit, (f) => [f.endpointId, f.type, f.direction]);
    },
  };
}

function createGatewayRepository(sql: SqlClient): GatewayRepository {
  const touch = (id: string, nowMs: number) =>
    sql.run('INSERT INTO gateways (id, first_seen_ms, last_heartbeat_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [id, nowMs, nowMs]);
  const greatest = sql.dialect === 'postgres' ? 'GREATEST' : 'MAX';
  return {
    async upsertInfo(info: GatewayInfo, nowMs) {
      await sql.run(
        `INSERT INTO gateways (id, kind, version, hostname, boot_id, first_seen_ms, last_heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, version = excluded.version, hostname = excluded.hostname,
           boot_id = excluded.boot_id, last_heartbeat_ms = ${greatest}(gateways.last_heartbeat_ms, excluded.last_heartbeat_ms)`,
        [info.id, info.kind, info.version, info.hostname, info.bootId, nowMs, nowMs],
      );
    },
    async recordRulesApplied(id, version, nowMs) {
      await touch(id, nowMs);
      await sql.run(`UPDATE gateways SET rules_version_acked = ?, last_heartbeat_ms = ${greatest}(last_heartbeat_ms, ?) WHERE id = ?`, [
        version,
        nowMs,
        id,
      ]);
    },
    async recordRulesRejected(id, version, reason, nowMs) {
      await touch(id, nowMs);
      await sql.run(
        `UPDATE gateways SET rules_version_rejected = ?, reject_reason = ?, last_heartbeat_ms = ${greatest}(last_heartbeat_ms, ?) WHERE id = ?`,
        [version, reason.slice(0, 1000), nowMs, id],
      );
    },
    async changeConnections(id, delta, nowMs) {
      await touch(id, nowMs);
      await sql.run(
        `UPDATE gateways SET connections = ${greatest}(0, connections + ?), last_heartbeat_ms = ${greatest}(last_heartbeat_ms, ?) WHERE id = ?`,
        [delta, nowMs, id],
      );
    },
    async get(id) {
      const [r] = await sql.query('SELECT * FROM gateways WHERE id = ?', [id]);
      return r ? gatewayFromRow(r) : null;
    },
    async list(q) {
      const limit = pageLimit(q);
      const c = decodeCursor(q.cursor, 1);
      const rows = await sql.query(`SELECT * FROM gateways ${c ? 'WHERE id > ?' : ''} ORDER BY id LIMIT ?`, [...(c ?? []), limit + 1]);
      return page(rows.map(gatewayFromRow), limit, (g) => [g.id]);
    },
  };
}

function createBatchRepository(sql: SqlClient): BatchRepository {
  return {
    async has(key: BatchKey) {
      const rows = await sql.query('SELECT 1 AS one FROM ingested_batches WHERE gateway_id = ? AND boot_id = ? AND sequence = ?', [
        key.gatewayId,
        key.bootId,
        key.sequence,
      ]);
      return rows.length > 0;
    },
    async prune(beforeMs) {
      return (await sql.run('DELETE FROM ingested_batches WHERE received_ms < ?', [beforeMs])).changes;
    },
  };
}

export function createRepositories(sql: SqlClient) {
  return {
    events: createEventRepository(sql),
    aggregates: createAggregateRepository(sql),
    endpoints: createEndpointRepository(sql),
    findings: createFindingRepository(sql),
    gateways: createGatewayRepository(sql),
    batches: createBatchRepository(sql),
  };
}

export { STATUS_COLS };
