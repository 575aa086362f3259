// Replicas on one PostgreSQL evaluate posture one at a time: each evaluation diffs against the
// snapshot the previous one stored, so a change is recorded (and alerted) once, not once per
// replica. A session advisory lock on a pinned connection spans the whole evaluation. SQLite has one
// process per database: nothing to coordinate.
import type { Store } from '../store/types.ts';

export async function withEvaluationLock<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'postgres' || !store.pg) return fn();
  const key = `palisade-posture:${store.schema ?? 'public'}`;
  const conn = await store.pg.connect();
  try {
    await conn.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await fn();
    } finally {
      await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  } finally {
    conn.release();
  }
}
