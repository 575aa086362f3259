// Inventory endpoints in the store: stable ids, the sorted and filtered list, re-templating that
// keeps ids, and the posture (risk, classes) written back by posture evaluation.
import { createHash } from 'node:crypto';
import { ENDPOINT_ADD_COLS, LAT_COLS, MINUTE_COLS } from './columns.ts';
import { authSchemeNames } from './enum-bits.ts';
import { endpointListSql } from './endpoint-list-query.ts';
import { recordPosture } from './endpoint-posture.ts';
import { percentile } from './latency.ts';
import { page, pageLimit } from './paging.ts';
import { num, statusOf, str } from './row-read.ts';
import type { Row, SqlClient } from './sql-client.ts';
import {
  FIELD_COLS,
  FINDING_COLS,
  OBSERVATION_COLS,
  fieldsOnConflict,
  findingsOnConflict,
  minutesOnConflict,
  observationsOnConflict,
} from './upserts.ts';
import {
  POSTURE_CLASS_BITS,
  POSTURE_CLASSES,
  type EndpointField,
  type EndpointKey,
  type EndpointRecord,
  type EndpointRepository,
} from './types.ts';

/** Deterministic, so replicas that discover the same template independently agree on its id. */
export function endpointIdFor(key: EndpointKey): string {
  return 'ep_' + createHash('sha256').update(`${key.host}\0${key.method}\0${key.pathTemplate}`).digest('hex').slice(0, 20);
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
    riskScore: num(r.risk_score),
    postureClasses: POSTURE_CLASSES.filter((c) => (num(r.posture_classes) & POSTURE_CLASS_BITS[c]) !== 0),
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

/** The endpoint an id now names: itself, or the endpoint it was folded into by re-templating. */
export async function resolveAlias(sql: SqlClient, id: string): Promise<string> {
  const [r] = await sql.query<{ endpoint_id: string }>('SELECT endpoint_id FROM endpoint_aliases WHERE old_id = ?', [id]);
  return r ? r.endpoint_id : id;
}

export function createEndpointRepository(sql: SqlClient): EndpointRepository {
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
      const plan = endpointListSql(q, pageLimit(q));
      const [t] = await sql.query(`SELECT COUNT(*) AS n FROM endpoints ${plan.filter}`, plan.filterParams);
      const rows = await sql.query(plan.page, plan.pageParams);
      const sortValue = (r: Row) => (plan.sortKind === 'number' ? num(r[plan.sortColumn]) : str(r[plan.sortColumn]));
      const paged = page(rows, plan.limit, (r) => plan.cursorAfter({ id: str(r.id), sortValue: sortValue(r) }));
      return { items: paged.items.map(endpointFromRow), nextCursor: paged.nextCursor, total: num(t?.n) };
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
            const oc = OBSERVATION_COLS.filter((c) => c !== 'endpoint_id');
            await tx.run(
              `INSERT INTO endpoint_observations (endpoint_id, ${oc.join(', ')}) SELECT ?, ${oc.join(', ')} FROM endpoint_observations WHERE endpoint_id = ? ${observationsOnConflict()}`,
              [keepId, old],
            );
            await tx.run(
              'INSERT INTO finding_values (endpoint_id, type, value_hash) SELECT ?, type, value_hash FROM finding_values WHERE endpoint_id = ? ON CONFLICT DO NOTHING',
              [keepId, old],
            );
            // The merged endpoint's value sketches are dropped, not folded: adding two bounded
            // sketches could pass the bound, and the kept endpoint's sketch refills from traffic.
            for (const table of [
              'endpoint_minutes',
              'endpoint_fields',
              'endpoint_findings',
              'endpoint_observations',
              'finding_values',
              'field_values',
            ]) {
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
    recordPosture(updates) {
      return recordPosture(sql, updates);
    },
    async count() {
      const [r] = await sql.query('SELECT COUNT(*) AS n FROM endpoints');
      return num(r?.n);
    },
  };
}
