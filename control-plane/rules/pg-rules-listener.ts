// Fan-out of publishes across replicas on PostgreSQL: every publish runs pg_notify(channel,
// version) in its transaction (delivered on commit); every replica LISTENs on one dedicated
// connection and, on a notification, loads the newest version from the store and adopts it (its
// hub then pushes to its own watchers). After a lost connection it reconnects and refreshes, so a
// version published meanwhile is not missed.
import type pg from 'pg';

export interface RulesListener {
  close(): Promise<void>;
}

/** Channel per schema: test runs (and tenants) sharing a database do not hear each other. */
export function rulesChannel(schema: string): string {
  return `palisade_rules_${schema}`.slice(0, 63);
}

export async function listenForRules(
  pool: pg.Pool,
  channel: string,
  refresh: () => Promise<void>,
  onError: (err: unknown) => void = () => undefined,
): Promise<RulesListener> {
  let client: pg.PoolClient | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  // Notifications that arrive while a refresh runs collapse into one more refresh.
  let running: Promise<void> | null = null;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = refresh()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          kick();
        }
      });
  };

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on('notification', (n) => {
      if (n.channel === channel) kick();
    });
    c.on('error', (err) => {
      onError(err);
      c.release(err);
      if (client === c) client = null;
      if (!closed) retry = setTimeout(() => void reconnect(), 1000);
    });
    await c.query(`LISTEN "${channel}"`);
    client = c;
  };
  const reconnect = async () => {
    retry = null;
    try {
      await connect();
      kick();
    } catch (err) {
      onError(err);
      if (!closed) retry = setTimeout(() => void reconnect(), 1000);
    }
  };
  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN "${channel}"`).catch(() => undefined);
        c.release();
      }
      await running;
    },
  };
}
