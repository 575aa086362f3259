// One suite, both dialects: every repository behaves the same on SQLite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTROL_PLANE_ROOT, discoverMigrations } from './migrations.ts';
import { endpointIdFor } from './repositories.ts';
import { storeTargets, type StoreTarget } from './testing.ts';
import { MIN, T0, unit } from './test-units.ts';
import { FINDING_DISTINCT_CAP, type Store } from './types.ts';

const KEY = { host: 'api.example.com', method: 'GET', pathTemplate: '/users/{userId}' };

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) {
  describe(`store (${target.dialect})`, { skip: target.skip }, () => {
    let store: Store;
    let ep: string;
    before(async () => {
      store = await target.open();
      [ep] = (await store.endpoints.ensure([KEY], T0)) as [string];
    });

    it('applies every module migration once and records it', async () => {
      const own = store.migrations.filter((m) => m.module === 'store').map((m) => m.version);
      assert.deepEqual(own, [1, 2, 3, 4, 5]);
      const rows = await store.sql.query<{ module: string }>("SELECT module FROM schema_migrations WHERE module = 'store'");
      assert.equal(rows.length, own.length);
    });

    it('ensure gives stable ids derived from the key', async () => {
      const again = await store.endpoints.ensure([KEY, KEY], T0 + 5);
      assert.deepEqual(again, [ep, ep]);
      assert.equal(ep, endpointIdFor(KEY));
    });

    it('stores a batch once and reports later copies as duplicates', async () => {
      const first = await store.ingest.commit([unit(1, ep, 3), unit(1, ep, 3)]);
      assert.deepEqual(first, ['stored', 'duplicate']);
      assert.deepEqual(await store.ingest.commit([unit(1, ep, 3), unit(2, ep, 2)]), ['duplicate', 'stored']);
      assert.equal(await store.events.count({ endpointId: ep }), 5);
      assert.equal(await store.batches.has({ gatewayId: 'gw-a', bootId: 'boot-1', sequence: '2' }), true);
      assert.equal(await store.batches.has({ gatewayId: 'gw-a', bootId: 'boot-2', sequence: '2' }), false);
    });

    it('stores strings with quotes, backslashes, braces, commas, array separators and the word NULL exactly', async () => {
      const [odd] = (await store.endpoints.ensure([{ ...KEY, pathTemplate: '/odd/{v}' }], T0)) as [string];
      const u = unit(900, odd, 2, { gw: 'gw-odd' });
      // '","' is the separator of a PostgreSQL array literal's quoted elements: it must stay inside one value.
      const awkward = ['a"b\\c', '{x,y}', 'NULL', '', ' sp ', 'é\\"\\\\', '","', '\\'];
      u.events[0]!.path = `/odd/${awkward.join('/')}`;
      u.events[0]!.detail = JSON.stringify({ userAgent: awkward.join('') });
      u.events[1]!.path = 'NULL';
      u.events[1]!.detail = '"';
      u.events[1]!.action = '';
      assert.deepEqual(await store.ingest.commit([u]), ['stored']);
      const got = (await store.events.list({ endpointId: odd, limit: 10 })).items;
      const byId = new Map(got.map((e) => [e.eventId, e]));
      assert.equal(byId.get(u.events[0]!.eventId)?.path, u.events[0]!.path);
      assert.equal(byId.get(u.events[0]!.eventId)?.detail, u.events[0]!.detail);
      assert.equal(byId.get(u.events[1]!.eventId)?.path, 'NULL');
      assert.equal(byId.get(u.events[1]!.eventId)?.detail, '"');
      assert.equal(byId.get(u.events[1]!.eventId)?.action, '');
    });

    it('stores details holding the control character PostgreSQL ingest separates details with, and one empty detail', async () => {
      const [sep] = (await store.endpoints.ensure([{ ...KEY, pathTemplate: '/sep/{v}' }], T0)) as [string];
      const a = unit(901, sep, 2, { gw: 'gw-sep' });
      a.events[0]!.detail = 'x\u001fy"';
      a.events[1]!.detail = '\u001f';
      const b = unit(902, sep, 1, { gw: 'gw-sep' });
      b.events[0]!.detail = '';
      assert.deepEqual(await store.ingest.commit([a]), ['stored']);
      assert.deepEqual(await store.ingest.commit([b]), ['stored']);
      const got = new Map((await store.events.list({ endpointId: sep, limit: 10 })).items.map((e) => [`${e.eventId}`, e.detail]));
      assert.equal(got.size, 3);
      assert.equal(got.get(a.events[0]!.eventId), 'x\u001fy"');
      assert.equal(got.get(a.events[1]!.eventId), '\u001f');
      assert.equal(got.get(b.events[0]!.eventId), '');
    });

    it('adds aggregates instead of overwriting them', async () => {
      const [m] = await store.aggregates.series(ep, T0 - MIN, T0 + MIN);
      assert.equal(m?.requests, 5);
      assert.equal(m?.latency[3], 5);
      assert.equal(m?.latencySumUs, 4500);
      const e = await store.endpoints.get(ep);
      assert.equal(e?.requests, 5);
      assert.equal(e?.s2xx, 5);
      assert.deepEqual(e?.authSchemes, ['AUTH_SCHEME_JWT']);
      assert.equal(e?.internal, true);
      assert.ok((e?.latencyP50Us ?? 0) > 500 && (e?.latencyP50Us ?? 0) <= 1000);
    });

    it('merges field types and counts distinct finding values', async () => {
      const [f] = await store.endpoints.fields(ep);
      assert.equal(f?.typeMask, (1 << 5) | (1 << 3));
      assert.equal(f?.count, 5);
      const { items } = await store.findings.list({ endpointId: ep });
      assert.equal(items[0]?.count, 2);
      assert.equal(items[0]?.distinctValues, 2);
      await store.ingest.commit([unit(3, ep, 1, { hashes: ['h1', 'h3', 'h3'] })]);
      const again = await store.findings.list({ endpointId: ep, type: 'credit_card' });
      assert.equal(again.items[0]?.distinctValues, 3);
    });

    it('keeps at most FINDING_DISTINCT_CAP distinct values per endpoint and type, filling what room is left', async () => {
      const [full, other] = (await store.endpoints.ensure(
        [
          { ...KEY, pathTemplate: '/cap/{a}' },
          { ...KEY, pathTemplate: '/cap/{b}' },
        ],
        T0,
      )) as [string, string];
      const hashes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
      await store.ingest.commit([unit(700, full, 1, { gw: 'gw-cap', hashes: hashes('old', FINDING_DISTINCT_CAP - 2) })]);
      // One commit: two held hashes again, five new ones on the nearly full pair, three on a fresh pair.
      const outcomes = await store.ingest.commit([
        unit(701, full, 1, { gw: 'gw-cap', hashes: ['old0000', 'old0001', ...hashes('new', 5)] }),
        unit(702, other, 1, { gw: 'gw-cap', hashes: hashes('new', 3) }),
      ]);
      assert.deepEqual(outcomes, ['stored', 'stored']);
      const count = async (endpointId: string) =>
        Number(
          (
            await store.sql.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM finding_values WHERE endpoint_id = ?', [endpointId])
          )[0]!.n,
        );
      assert.equal(await count(full), FINDING_DISTINCT_CAP);
      assert.equal(await count(other), 3);
      await store.ingest.commit([unit(703, full, 1, { gw: 'gw-cap', hashes: hashes('later', 4) })]);
      assert.equal(await count(full), FINDING_DISTINCT_CAP);
      const listed = await store.findings.list({ endpointId: full });
      assert.equal(listed.items[0]?.distinctValues, FINDING_DISTINCT_CAP);
    });

    it('keeps gateway counters across boots', async () => {
      let g = await store.gateways.get('gw-a');
      assert.equal(g?.eventsReceived, 6);
      assert.equal(g?.eventsDropped, 3); // highest value reported in boot-1
      await store.ingest.commit([unit(1, ep, 1, { boot: 'boot-2' })]);
      g = await store.gateways.get('gw-a');
      assert.equal(g?.eventsDropped, 3 + 1);
      assert.equal(g?.requestsSeen, 30 + 10);
      assert.equal(g?.eventsReceived, 7);
    });

    it('gateway counters of a group are those of its batches applied one by one (boots, several gateways)', async () => {
      // A store of its own: the other cases count this one's events and gateways.
      const own = await target.open();
      const [ep] = (await own.endpoints.ensure([KEY], T0)) as [string];
      const batches = (gw: string) => [
        unit(1, ep, 2, { gw, boot: 'b1' }),
        unit(2, ep, 3, { gw, boot: 'b1' }),
        unit(1, ep, 1, { gw: `${gw}-other` }),
        unit(1, ep, 4, { gw, boot: 'b2' }),
        unit(2, ep, 5, { gw, boot: 'b2' }),
      ];
      await own.ingest.commit(batches('grp-a'));
      for (const u of batches('grp-b')) await own.ingest.commit([u]);
      const [a, b] = [await own.gateways.get('grp-a'), await own.gateways.get('grp-b')];
      await own.close();
      assert.deepEqual([a?.eventsReceived, a?.eventsDropped, a?.requestsSeen, a?.bootId], [2 + 3 + 4 + 5, 2 + 2, 20 + 20, b?.bootId]);
      assert.deepEqual({ ...a, id: '' }, { ...b, id: '' });
    });

    it('records gateway identity, rules acks and open streams', async () => {
      await store.gateways.upsertInfo(
        { id: 'gw-a', kind: 'GATEWAY_KIND_ENVOY', version: '1.2.0', hostname: 'pod-1', bootId: 'boot-2' },
        T0 + 1,
      );
      await store.gateways.recordRulesApplied('gw-a', 7, T0 + 2);
      await store.gateways.recordRulesRejected('gw-a', 8, 'bad automaton', T0 + 3);
      await store.gateways.changeConnections('gw-a', 1, T0 + 4);
      let g = await store.gateways.get('gw-a');
      assert.equal(g?.kind, 'GATEWAY_KIND_ENVOY');
      assert.equal(g?.rulesVersionAcked, 7);
      assert.equal(g?.rulesVersionRejected, 8);
      assert.equal(g?.rejectReason, 'bad automaton');
      assert.equal(g?.connected, true);
      await store.gateways.changeConnections('gw-a', -1, T0 + 5);
      await store.gateways.changeConnections('gw-a', -1, T0 + 6);
      g = await store.gateways.get('gw-a');
      assert.equal(g?.connected, false);
      assert.equal(g?.eventsReceived, 7, 'identity updates leave counters alone');
    });

    it('records the rules acks of many gateways at once, the last ack of a gateway winning', async () => {
      await store.gateways.recordRulesAppliedMany(
        [
          { gatewayId: 'gw-a', version: 9 },
          { gatewayId: 'gw-many-new', version: 9 },
          { gatewayId: 'gw-a', version: 10 },
        ],
        T0 + 7,
      );
      const a = await store.gateways.get('gw-a');
      assert.equal(a?.rulesVersionAcked, 10);
      assert.equal(a?.kind, 'GATEWAY_KIND_ENVOY', 'the upsert leaves identity alone');
      const fresh = await store.gateways.get('gw-many-new');
      assert.equal(fresh?.rulesVersionAcked, 9, 'a gateway never seen before is created');
      const many = Array.from({ length: 1200 }, (_, i) => ({ gatewayId: `gw-bulk-${i}`, version: 3 }));
      await store.gateways.recordRulesAppliedMany(many, T0 + 8);
      assert.equal((await store.gateways.get('gw-bulk-1199'))?.rulesVersionAcked, 3, 'more rows than one statement chunk');
    });

    it('pages endpoints, events and gateways with opaque cursors', async () => {
      const keys = Array.from({ length: 5 }, (_, i) => ({ host: 'p.example.com', method: 'GET', pathTemplate: `/p${i}` }));
      await store.endpoints.ensure(keys, T0);
      const seen = new Set<string>();
      let cursor = '';
      let pages = 0;
      do {
        const page = await store.endpoints.list({ host: 'p.example.com', limit: 2, cursor });
        assert.equal(page.total, 5);
        for (const e of page.items) seen.add(e.id);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(seen.size, 5);
      assert.equal(pages, 3);
      const ev1 = await store.events.list({ endpointId: ep, limit: 4 });
      const ev2 = await store.events.list({ endpointId: ep, limit: 4, cursor: ev1.nextCursor });
      assert.equal(ev1.items.length + ev2.items.length, 7);
      assert.equal(ev1.items[0]!.upstreamIp, '10.0.9.9', 'the destination address is stored with the event');
      assert.equal(ev2.nextCursor, '');
      await assert.rejects(store.endpoints.list({ cursor: "'; DROP TABLE endpoints; --", limit: 1 }), /cursor/);
      await assert.rejects(store.events.list({ cursor: 'not-a-cursor' }), /cursor/, 'an invalid cursor is refused, never interpolated');
      assert.equal((await store.endpoints.list({ search: "%' OR 1=1 --" })).total, 0);
    });

    it('re-templating keeps the surviving id and aliases the folded ones', async () => {
      const a = { host: 'r.example.com', method: 'GET', pathTemplate: '/products/red' };
      const b = { host: 'r.example.com', method: 'GET', pathTemplate: '/products/blue' };
      const [ia, ib] = (await store.endpoints.ensure([a, b], T0)) as [string, string];
      await store.ingest.commit([unit(100, ia, 2, { gw: 'gw-r' }), unit(101, ib, 3, { gw: 'gw-r' })]);
      await store.endpoints.retemplate(ia, '/products/{product}', [ib]);
      const kept = await store.endpoints.get(ia);
      assert.equal(kept?.pathTemplate, '/products/{product}');
      assert.equal(kept?.requests, 5);
      assert.equal((await store.endpoints.get(ib))?.id, ia, 'old id resolves to the kept endpoint');
      const [m] = await store.aggregates.series(ia, T0 - MIN, T0 + MIN);
      assert.equal(m?.requests, 5);
      assert.equal((await store.findings.list({ endpointId: ia })).items[0]?.count, 2);
      assert.deepEqual(await store.endpoints.ensure([{ ...a, pathTemplate: '/products/{product}' }], T0), [ia]);
      assert.equal(await store.events.count({ endpointId: ia }), 5);
    });

    it('prunes events, aggregates and dedup keys past retention', async () => {
      const old = T0 - 30 * 86_400_000;
      await store.ingest.commit([unit(500, ep, 2, { ts: old })]);
      assert.equal((await store.events.count({ gatewayId: 'gw-a' })) > 2, true);
      const pruned = await store.prune(T0 - 20 * 86_400_000 + store.retention.eventsMs);
      assert.ok(pruned.events >= 1);
      const left = await store.events.list({ endpointId: ep, toMs: old + 1 });
      assert.equal(left.items.length, 0);
      const recent = await store.events.list({ endpointId: ep, fromMs: T0 - 1 });
      assert.ok(recent.items.length > 0, 'recent events stay');
    });
  });
}

describe('migrations', () => {
  it('discovers module folders with store first', () => {
    const files = discoverMigrations('sqlite', [CONTROL_PLANE_ROOT]);
    assert.equal(files[0]?.module, 'store');
  });

  it('refuses a badly named migration file', () => {
    const root = mkdtempSync(join(tmpdir(), 'palisade-mig-'));
    try {
      mkdirSync(join(root, 'x', 'migrations', 'sqlite'), { recursive: true });
      writeFileSync(join(root, 'x', 'migrations', 'sqlite', '1-oops.sql'), 'SELECT 1;');
      assert.throws(() => discoverMigrations('sqlite', [root]), /STORE_MIGRATION_INVALID: x\/1-oops\.sql/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const target of targets) {
    it(`a failing migration is a startup error naming the file (${target.dialect})`, { skip: target.skip }, async () => {
      const root = mkdtempSync(join(tmpdir(), 'palisade-mig-'));
      try {
        const dir = join(root, 'broken', 'migrations', target.dialect);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, '0001-ok.sql'), 'CREATE TABLE broken_ok (id INTEGER);');
        writeFileSync(join(dir, '0002-bad.sql'), 'CREATE TABLE broken_bad (id INTEGER); SELECT nope FROM missing_table;');
        await assert.rejects(
          target.open({ config: { migrationRoots: [CONTROL_PLANE_ROOT, root] } }),
          /STORE_MIGRATION_FAILED: broken\/0002-bad\.sql \((sqlite|postgres)\) failed/,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});

async function replicaRace(target: StoreTarget) {
  const a = await target.open({ shared: 'replicas' });
  const b = await target.open({ shared: 'replicas' });
  const [id] = (await a.endpoints.ensure([KEY], T0)) as [string];
  // Same batches through two replicas at once, plus distinct ones: no loss, no double count.
  const results = await Promise.all([
    a.ingest.commit([unit(1, id, 10), unit(2, id, 10), unit(3, id, 10)]),
    b.ingest.commit([unit(3, id, 10), unit(2, id, 10), unit(4, id, 10)]),
    a.ingest.commit([unit(5, id, 10)]),
    b.ingest.commit([unit(6, id, 10), unit(1, id, 10)]),
  ]);
  const stored = results.flat().filter((r) => r === 'stored').length;
  return { a, b, id, stored };
}

for (const target of targets) {
  describe(`replicas on one database (${target.dialect})`, { skip: target.skip }, () => {
    it('dedup by key and additive aggregates hold under concurrent commits', async () => {
      const { a, b, id, stored } = await replicaRace(target);
      assert.equal(stored, 6);
      assert.equal(await b.events.count({ endpointId: id }), 60);
      assert.equal((await a.endpoints.get(id))?.requests, 60);
      const [m] = await b.aggregates.series(id, T0 - MIN, T0 + MIN);
      assert.equal(m?.requests, 60);
    });
  });
}
