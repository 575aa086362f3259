// Alert routes and the delivery log on either database (store's portable SqlClient).
import type { InTransaction, SqlClient } from '../store/sql-client.ts';
import { parseAlertRoute, type AlertRoute } from './alert-route.ts';
import type { DeliveryEntry, DeliveryLog, DeliveryOutcome } from './delivery-log.ts';

export class AlertRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Validates and stores a route (insert or replace). Throws AlertRouteError before writing. */
  async putRoute(raw: unknown, nowMs: number, opts: { allowHttp?: boolean } = {}, also?: InTransaction<AlertRoute>): Promise<AlertRoute> {
    const route = parseAlertRoute(raw, opts);
    await this.sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO alert_routes (id, config, updated_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_ms = excluded.updated_ms',
        [route.id, JSON.stringify(route), nowMs],
      );
      await also?.(tx, route);
    });
    return route;
  }

  /** `also` runs only when a route was deleted. */
  async deleteRoute(id: string, also?: InTransaction): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const gone = (await tx.run('DELETE FROM alert_routes WHERE id = ?', [id])).changes > 0;
      if (gone) await also?.(tx);
      return gone;
    });
  }

  async listRoutes(opts: { allowHttp?: boolean } = {}): Promise<AlertRoute[]> {
    const rows = await this.sql.query('SELECT config FROM alert_routes ORDER BY id');
    return rows.map((r) => parseAlertRoute(JSON.parse(String(r.config)), opts));
  }

  async appendDelivery(e: DeliveryEntry): Promise<void> {
    await this.sql.run(
      'INSERT INTO alert_deliveries (at_ms, route_id, channel, event_id, dedup_key, attempt, outcome, status, error, suppressed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.at, e.routeId, e.channel, e.eventId, e.dedupKey, e.attempt, e.outcome, e.status ?? null, e.error ?? '', e.suppressed ?? 0],
    );
  }

  /** Newest first. */
  async listDeliveries(q: { routeId?: string; limit?: number } = {}): Promise<DeliveryEntry[]> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const rows = await this.sql.query(
      `SELECT at_ms, route_id, channel, event_id, dedup_key, attempt, outcome, status, error, suppressed FROM alert_deliveries
       ${q.routeId ? 'WHERE route_id = ?' : ''} ORDER BY seq DESC LIMIT ?`,
      q.routeId ? [q.routeId, limit] : [limit],
    );
    return rows.map((r) => ({
      at: Number(r.at_ms),
      routeId: String(r.route_id),
      channel: String(r.channel),
      eventId: String(r.event_id),
      dedupKey: String(r.dedup_key),
      attempt: Number(r.attempt),
      outcome: String(r.outcome) as DeliveryOutcome,
      ...(r.status === null || r.status === undefined ? {} : { status: Number(r.status) }),
      ...(r.error ? { error: String(r.error) } : {}),
      ...(Number(r.suppressed) ? { suppressed: Number(r.suppressed) } : {}),
    }));
  }

  /** The dispatcher's synchronous log, written through to the table; write errors are counted, not thrown. */
  deliveryLog(onError: (err: unknown) => void = () => undefined): DeliveryLog & { flush(): Promise<void> } {
    let pending: Promise<void> = Promise.resolve();
    return {
      append: (entry) => {
        pending = pending.then(() => this.appendDelivery(entry)).catch(onError);
      },
      flush: () => pending,
    };
  }
}
