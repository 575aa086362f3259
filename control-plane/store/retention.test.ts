// Retention on both dialects: raw events go after `eventsMs` (PostgreSQL drops whole day
// partitions, SQLite deletes in bounded chunks), per-minute aggregates after the longer
// `aggregatesMs`, batch dedup keys after `batchKeysMs`; lifetime endpoint counters and everything
// inside its window stay.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { storeTargets } from './testing.ts';
import { MIN, unit } from './test-units.ts';
import type { Store } from './types.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const RETENTION = { eventsMs: 2 * DAY, aggregatesMs: 7 * DAY, batchKeysMs: 3_600_000 };
const KEY = { host: 'api.example.com', method: 'GET', pathTemplate: '/users/{userId}' };

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

async function eventDays(store: Store, endpointId: string): Promise<number[]> {
  const { items } = await store.events.list({ endpointId, limit: 1000 });
  return [...new Set(items.map((e) => Math.floor((NOW - e.receivedMs) / DAY)))].sort((a, b) => a - b);
}

for (const target of targets) {
  describe(`retention (${target.dialect})`, { skip: target.skip }, () => {
    it('prunes events, aggregates and dedup keys each by its own window', async () => {
      const store = await target.open({ config: { retention: RETENTION } });
      assert.deepEqual(store.retention, RETENTION);
      const [ep] = (await store.endpoints.ensure([KEY], NOW - 30 * DAY)) as [string];
      // Traffic 20, 5, 3 and 1 days ago, and 10 minutes ago.
      const agesDays = [20, 5, 3, 1, 0];
      const units = agesDays.map((d, i) => unit(i + 1, ep, 4, { ts: NOW - d * DAY - 10 * MIN }));
      assert.deepEqual(
        await store.ingest.commit(units),
        units.map(() => 'stored'),
      );
      assert.deepEqual(await eventDays(store, ep), [0, 1, 3, 5, 20]);

      const pruned = await store.prune(NOW);
      assert.ok(pruned.events > 0);
      // Events older than 2 days are gone. PostgreSQL drops a day partition only once the whole
      // day is past the cut-off, so the day straddling it may stay until the next prune: bounded
      // to one extra day, never a full scan.
      const days = await eventDays(store, ep);
      assert.ok(days.includes(0) && days.includes(1), 'events inside the window stay');
      assert.ok(!days.some((d) => d >= 3), `events past the window are gone (left: ${days.join(', ')} days old)`);

      // Aggregates keep 7 days: the minutes of 20 days ago are gone, 5 days ago stays.
      const minutes = await store.aggregates.series(ep, NOW - 30 * DAY, NOW + DAY);
      assert.deepEqual(
        minutes.map((m) => Math.round((NOW - m.minuteMs) / DAY)),
        [5, 3, 1, 0],
      );
      // Lifetime counters are not retention-bound.
      assert.equal((await store.endpoints.get(ep))?.requests, 20);

      // Dedup keys were received now (server clock): they outlive this prune and still dedup…
      assert.equal(pruned.batchKeys, 0);
      assert.deepEqual(await store.ingest.commit([unit(1, ep, 4)]), ['duplicate']);
      // …and are forgotten once their window has passed.
      const later = await store.prune(Date.now() + RETENTION.batchKeysMs + MIN);
      assert.equal(later.batchKeys, units.length);
      assert.equal(await store.batches.has(units[0]!.key), false);
    });

    if (target.dialect === 'postgres') {
      it('drops whole day partitions instead of deleting rows', async () => {
        const store = await target.open({ config: { retention: RETENTION } });
        const [ep] = (await store.endpoints.ensure([KEY], NOW)) as [string];
        await store.ingest.commit([unit(1, ep, 2, { ts: NOW - 10 * DAY }), unit(2, ep, 2, { ts: NOW })]);
        const partitions = async () =>
          (
            await store.sql.query<{ name: string }>(
              `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = 'events' AND n.nspname = current_schema() ORDER BY 1`,
            )
          ).map((r) => r.name);
        const oldDay = `events_d${Math.floor((NOW - 10 * DAY) / DAY)}`;
        const today = `events_d${Math.floor(NOW / DAY)}`;
        assert.deepEqual(await partitions(), [oldDay, today].sort());
        const { events } = await store.prune(NOW);
        assert.equal(events, 1, 'one partition dropped');
        assert.deepEqual(await partitions(), [today]);
        assert.equal(await store.events.count({ endpointId: ep }), 2);
      });
    } else {
      it('deletes in bounded chunks until every expired row is gone', async () => {
        const store = await target.open({ config: { retention: RETENTION } });
        const [ep] = (await store.endpoints.ensure([KEY], NOW)) as [string];
        // More expired rows than one delete chunk (10 000).
        const old = Array.from({ length: 6 }, (_, i) => unit(i + 1, ep, 2000, { ts: NOW - 10 * DAY }));
        await store.ingest.commit([...old, unit(99, ep, 3, { ts: NOW })]);
        const { events } = await store.prune(NOW);
        assert.equal(events, 12_000);
        assert.equal(await store.events.count({ endpointId: ep }), 3);
      });
    }
  });
}
