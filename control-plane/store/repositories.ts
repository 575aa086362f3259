// Read-side and low-rate repositories, written once over SqlClient for both dialects. The hot
// write path (IngestRepository) has one implementation per dialect: sqlite-ingest.ts and
// postgres-ingest.ts.
export { endpointIdFor } from './endpoint-repository.ts';
import { LAT_COLS, STATUS_COLS } from './columns.ts';
import { createEndpointRepository, resolveAlias } from './endpoint-repository.ts';
import { decodeCursor, encodeCursor, page, pageLimit } from './paging.ts';
import { num, statusOf, str } from './row-read.ts';
import type { Row, SqlClient } from './sql-client.ts';
import {
  FINDING_DISTINCT_CAP,
  type AggregateRepository,
  type BatchKey,
  type BatchRepository,
  type EndpointFindingSummary,
  type EventRecord,
  type EventRepository,
  type FindingRepository,
  type GatewayInfo,
  type GatewayRecord,
  type GatewayRepository,
  type MinuteAggregate,
} from './types.ts';

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
    upstreamIp: str(r.upstream_ip),
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
      return page(rows.map(eventFromRow), limit, (e) => encodeCursor([e.timestampMs, e.gatewayId, e.eventId]));
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

const FINDING_SUMMARY_SELECT = `SELECT f.*,
    (SELECT COUNT(*) FROM finding_values v WHERE v.endpoint_id = f.endpoint_id AND v.type = f.type) AS distinct_values
  FROM endpoint_findings f`;

function findingFromRow(r: Row): EndpointFindingSummary {
  return {
    endpointId: str(r.endpoint_id),
    type: str(r.type),
    direction: str(r.direction),
    category: str(r.category),
    count: num(r.count),
    distinctValues: Math.min(num(r.distinct_values), FINDING_DISTINCT_CAP),
    firstSeenMs: num(r.first_seen_ms),
    lastSeenMs: num(r.last_seen_ms),
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
        `${FINDING_SUMMARY_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
          ORDER BY f.endpoint_id, f.type, f.direction LIMIT ?`,
        [...params, limit + 1],
      );
      const items = rows.map(findingFromRow);
      return page(items, limit, (f) => encodeCursor([f.endpointId, f.type, f.direction]));
    },
    async ofEndpoints(endpointIds) {
      if (endpointIds.length === 0) return [];
      const rows = await sql.query(
        `${FINDING_SUMMARY_SELECT} WHERE f.endpoint_id IN (${endpointIds.map(() => '?').join(', ')})
          ORDER BY f.endpoint_id, f.type, f.direction`,
        endpointIds,
      );
      return rows.map(findingFromRow);
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
    async recordRulesAppliedMany(acks, nowMs) {
      // A publish brings one ack per watching gateway: one multi-row upsert per chunk instead of
      // two statements (and, outside a transaction, two commits) per gateway.
      // One row per gateway (the last ack wins, as sequential writes would): PostgreSQL refuses an
      // upsert that touches the same row twice.
      const rows = [...new Map(acks.map((a) => [a.gatewayId, a.version])).entries()];
      await sql.transaction(async (tx) => {
        // Chunks of 256, 128, … 1 rows: a handful of distinct statements, so they stay prepared
        // in the statement cache instead of one new statement per batch size.
        for (let i = 0; i < rows.length;) {
          let size = 256;
          while (size > rows.length - i) size >>= 1;
          const chunk = rows.slice(i, (i += size));
          await tx.run(
            `INSERT INTO gateways (id, first_seen_ms, last_heartbeat_ms, rules_version_acked) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}
             ON CONFLICT (id) DO UPDATE SET rules_version_acked = excluded.rules_version_acked,
               last_heartbeat_ms = ${greatest}(gateways.last_heartbeat_ms, excluded.last_heartbeat_ms)`,
            chunk.flatMap(([id, version]) => [id, nowMs, nowMs, version]),
          );
        }
      });
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
      return page(rows.map(gatewayFromRow), limit, (g) => encodeCursor([g.id]));
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
