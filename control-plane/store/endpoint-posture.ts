// Posture written back onto endpoints: posture evaluation (control-plane/posture) scores every
// endpoint and hands the result here, so the endpoint list sorts by risk and filters by class in
// SQL. Evaluations cover up to 100 000 endpoints, so PostgreSQL gets one statement per chunk over
// arrays and SQLite one prepared UPDATE per row inside one transaction.
import type { SqlClient } from './sql-client.ts';
import { POSTURE_CLASS_BITS, type EndpointPostureUpdate } from './types.ts';

const PG_CHUNK = 5000;

export function postureBits(classes: readonly string[]): number {
  let bits = 0;
  for (const c of classes) bits |= POSTURE_CLASS_BITS[c as keyof typeof POSTURE_CLASS_BITS] ?? 0;
  return bits;
}

export function clampRisk(score: number): number {
  return Number.isFinite(score) ? Math.min(100, Math.max(0, Math.round(score))) : 0;
}

export async function recordPosture(sql: SqlClient, updates: readonly EndpointPostureUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  return sql.transaction(async (tx) => {
    let changed = 0;
    if (tx.dialect === 'postgres') {
      for (let i = 0; i < updates.length; i += PG_CHUNK) {
        const chunk = updates.slice(i, i + PG_CHUNK);
        const { changes } = await tx.run(
          `UPDATE endpoints SET risk_score = u.risk, posture_classes = u.bits
             FROM unnest(?::text[], ?::text[], ?::text[], ?::int4[], ?::int4[]) AS u(host, method, path, risk, bits)
            WHERE endpoints.host = u.host AND endpoints.method = u.method AND endpoints.path_template = u.path`,
          [
            chunk.map((u) => u.key.host),
            chunk.map((u) => u.key.method),
            chunk.map((u) => u.key.pathTemplate),
            chunk.map((u) => clampRisk(u.riskScore)),
            chunk.map((u) => postureBits(u.classes)),
          ],
        );
        changed += changes;
      }
      return changed;
    }
    for (const u of updates) {
      const { changes } = await tx.run(
        'UPDATE endpoints SET risk_score = ?, posture_classes = ? WHERE host = ? AND method = ? AND path_template = ?',
        [clampRisk(u.riskScore), postureBits(u.classes), u.key.host, u.key.method, u.key.pathTemplate],
      );
      changed += changes;
    }
    return changed;
  });
}
