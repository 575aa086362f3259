// The endpoint list on both dialects: every sort key in both orders pages through every endpoint
// exactly once in the order a plain sort gives; pages stay correct while endpoints are added
// between them; filters (class, sensitive, search) combine and count; bad cursors are 400s.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { PalisadeError } from '../errors/catalogue.ts';
import { storeTargets } from './testing.ts';
import type { EndpointKey, EndpointQuery, EndpointRecord, EndpointSort, PostureClass, SortOrder, Store } from './types.ts';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const N = 23;

/** Paths and hosts differ only in zero-padded digits, so every collation orders them alike. */
const keyOf = (i: number): EndpointKey => ({
  host: `h${i % 3}.example.com`,
  method: i % 2 ? 'POST' : 'GET',
  pathTemplate: `/api/e${String(i).padStart(2, '0')}`,
});
/** Few distinct values, so ties (broken by id) fall across page boundaries. */
const requestsOf = (i: number) => (i * 7) % 5;
const riskOf = (i: number) => ((i * 11) % 4) * 25;
const classesOf = (i: number): PostureClass[] => (i % 4 === 0 ? ['shadow'] : i % 4 === 1 ? ['zombie', 'orphaned'] : []);

async function listAll(store: Store, q: EndpointQuery): Promise<{ items: EndpointRecord[]; total: number; pages: number }> {
  const items: EndpointRecord[] = [];
  let cursor = q.cursor ?? '';
  let pages = 0;
  let total: number;
  do {
    const page = await store.endpoints.list({ ...q, cursor });
    items.push(...page.items);
    total = page.total;
    cursor = page.nextCursor;
    pages++;
    assert.ok(pages < 100, 'pagination terminates');
  } while (cursor);
  return { items, total, pages };
}

const VALUE: Record<Exclude<EndpointSort, 'id'>, (e: EndpointRecord) => string | number> = {
  path: (e) => e.pathTemplate,
  host: (e) => e.host,
  method: (e) => e.method,
  requests: (e) => e.requests,
  last_seen: (e) => e.lastSeenMs,
  first_seen: (e) => e.firstSeenMs,
  risk: (e) => e.riskScore,
};

function expectedOrder(all: EndpointRecord[], sort: Exclude<EndpointSort, 'id'>, order: SortOrder): string[] {
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const sign = order === 'asc' ? 1 : -1;
  return [...all].sort((a, b) => sign * (cmp(VALUE[sort](a), VALUE[sort](b)) || cmp(a.id, b.id))).map((e) => e.id);
}

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) {
  describe(`endpoint list (${target.dialect})`, { skip: target.skip }, () => {
    let store: Store;
    let ids: string[];
    before(async () => {
      store = await target.open();
      const keys = Array.from({ length: N }, (_, i) => keyOf(i));
      ids = await store.endpoints.ensure(keys, T0);
      for (let i = 0; i < N; i++) {
        await store.sql.run('UPDATE endpoints SET requests = ?, last_seen_ms = ?, first_seen_ms = ? WHERE id = ?', [
          requestsOf(i),
          T0 + ((i * 13) % 6) * 1000,
          T0 - (i % 3) * 1000,
          ids[i],
        ]);
      }
      const written = await store.endpoints.recordPosture(keys.map((key, i) => ({ key, riskScore: riskOf(i), classes: classesOf(i) })));
      assert.equal(written, N);
      // Findings on every fifth endpoint make it "sensitive".
      for (let i = 0; i < N; i += 5) {
        await store.sql.run(
          `INSERT INTO endpoint_findings (endpoint_id, type, direction, category, count, first_seen_ms, last_seen_ms)
           VALUES (?, 'email', 'DIRECTION_RESPONSE', 'DATA_CATEGORY_PII', 1, ?, ?)`,
          [ids[i], T0, T0],
        );
      }
    });

    it('every sort key, both orders: each endpoint once, in sorted order, across small pages', async () => {
      const { items: all } = await listAll(store, { limit: 1000 });
      assert.equal(all.length, N);
      for (const sort of Object.keys(VALUE) as Exclude<EndpointSort, 'id'>[]) {
        for (const order of ['asc', 'desc'] as const) {
          const { items, total, pages } = await listAll(store, { sort, order, limit: 4 });
          assert.equal(total, N);
          assert.equal(pages, Math.ceil(N / 4));
          assert.deepEqual(
            items.map((e) => e.id),
            expectedOrder(all, sort, order),
            `sort=${sort} order=${order}`,
          );
        }
      }
    });

    it('defaults: risk, requests and last_seen descend; path ascends', async () => {
      const risk = (await store.endpoints.list({ sort: 'risk', limit: 1 })).items[0]!;
      assert.equal(risk.riskScore, 75);
      const path = (await store.endpoints.list({ sort: 'path', limit: 1 })).items[0]!;
      assert.equal(path.pathTemplate, '/api/e00');
    });

    it('pages stay correct when endpoints are added between them', async () => {
      const first = await store.endpoints.list({ sort: 'requests', order: 'desc', limit: 5 });
      // New endpoints land before the cursor (more requests) and after it (fewer); neither may
      // shift the next page into repeating or skipping an endpoint that was already there.
      const added = await store.endpoints.ensure(
        [
          { host: 'late.example.com', method: 'GET', pathTemplate: '/api/late-top' },
          { host: 'late.example.com', method: 'GET', pathTemplate: '/api/late-bottom' },
        ],
        T0,
      );
      await store.sql.run('UPDATE endpoints SET requests = 1000 WHERE id = ?', [added[0]]);
      const rest = await listAll(store, { sort: 'requests', order: 'desc', limit: 5, cursor: first.nextCursor });
      const seen = [...first.items, ...rest.items].map((e) => e.id);
      assert.equal(new Set(seen).size, seen.length, 'no endpoint twice');
      for (const id of ids) assert.ok(seen.includes(id), `${id} not skipped`);
      assert.ok(!seen.includes(added[0]!), 'a row sorted before the cursor is not pulled into later pages');
      assert.ok(seen.includes(added[1]!), 'a row sorted after the cursor shows up');
      await store.sql.run('DELETE FROM endpoints WHERE host = ?', ['late.example.com']);
    });

    it('filters by posture class, sensitive data and search, with totals', async () => {
      const idx = (pred: (i: number) => boolean) => Array.from({ length: N }, (_, i) => i).filter(pred);
      const shadow = await listAll(store, { postureClass: 'shadow', limit: 3 });
      assert.equal(shadow.total, idx((i) => i % 4 === 0).length);
      assert.ok(shadow.items.every((e) => e.postureClasses.includes('shadow')));
      const orphaned = await listAll(store, { postureClass: 'orphaned' });
      assert.deepEqual(orphaned.items[0]?.postureClasses, ['zombie', 'orphaned'], 'several classes at once');
      assert.equal(orphaned.total, idx((i) => i % 4 === 1).length);
      const known = await listAll(store, { postureClass: 'known' });
      assert.equal(known.total, idx((i) => i % 4 >= 2).length);
      assert.ok(known.items.every((e) => e.postureClasses.length === 0));

      const sensitive = await listAll(store, { sensitive: true, sort: 'risk' });
      assert.deepEqual(new Set(sensitive.items.map((e) => e.id)), new Set(idx((i) => i % 5 === 0).map((i) => ids[i])));
      assert.equal((await store.endpoints.list({ sensitive: false })).total, N - sensitive.total);

      const both = await listAll(store, { sensitive: true, postureClass: 'shadow' });
      assert.equal(both.total, idx((i) => i % 5 === 0 && i % 4 === 0).length);

      assert.equal((await store.endpoints.list({ search: 'API/E1' })).total, 10, 'search ignores case on both dialects');
      assert.equal((await store.endpoints.list({ search: 'H2.EXAMPLE' })).total, idx((i) => i % 3 === 2).length, 'search matches hosts');
      assert.equal((await store.endpoints.list({ search: "%' OR 1=1 --" })).total, 0);
      assert.equal((await store.endpoints.list({ search: '_' })).total, 0, 'LIKE wildcards are literal');
    });

    it('recordPosture clamps scores and ignores keys not in the inventory', async () => {
      const n = await store.endpoints.recordPosture([
        { key: keyOf(0), riskScore: 180.4, classes: ['shadow'] },
        { key: { host: 'nowhere.example.com', method: 'GET', pathTemplate: '/x' }, riskScore: 10, classes: [] },
      ]);
      assert.equal(n, 1);
      assert.equal((await store.endpoints.get(ids[0]!))?.riskScore, 100);
      await store.endpoints.recordPosture([{ key: keyOf(0), riskScore: riskOf(0), classes: classesOf(0) }]);
    });

    it('refuses cursors it did not make, or made for another sort', async () => {
      const risk = await store.endpoints.list({ sort: 'risk', limit: 2 });
      const refused = (q: EndpointQuery) =>
        assert.rejects(
          store.endpoints.list(q),
          (err: unknown) => err instanceof PalisadeError && err.definition.code === 'PAL-REQUEST-CURSOR',
        );
      await refused({ sort: 'path', cursor: risk.nextCursor });
      await refused({ sort: 'risk', order: 'asc', cursor: risk.nextCursor });
      await refused({ cursor: "'; DROP TABLE endpoints; --" });
      await refused({ sort: 'requests', cursor: Buffer.from('["requests","desc","1; --","x"]').toString('base64url') });
      assert.equal(await store.endpoints.count(), N, 'nothing was dropped');
    });
  });
}
