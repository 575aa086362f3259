import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import type { ApiEvent } from '../../proto/gen/palisade/v1/ApiEvent.ts';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { createInventory } from '../inventory/inventory.ts';
import { storeTargets } from '../store/testing.ts';
import { createIngest } from './ingest.ts';
import { INGEST_COUNTERS } from './ingest-metrics.ts';

const NOW = Date.now();
const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

function ev(path: string, extra: Partial<ApiEvent> = {}): ApiEvent {
  return {
    id: 1,
    timestampMs: NOW,
    host: 'shop.example.com',
    method: 'GET',
    path,
    status: 200,
    latencyUs: 800,
    clientIp: '198.51.100.7',
    ...extra,
  };
}

function batch(seq: number, events: ApiEvent[], gatewayId = 'gw'): ReportBatch {
  return { gatewayId, bootId: 'b', sequence: seq, events };
}

for (const target of targets) {
  describe(`ingest (${target.dialect})`, { skip: target.skip }, () => {
    it('groups concurrent batches into few commits and acks each after it', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }) });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => ingest.ingestBatch('gw', batch(i + 1, [ev(`/orders/${i}`), ev(`/orders/${i}/items`)]))),
      );
      assert.ok(results.every((r) => r.status === 'ACK_STATUS_OK' && r.accepted === 2));
      const m = ingest.metrics.snapshot();
      assert.ok((m.ingest_commits_total ?? 40) < 40, `commits ${m.ingest_commits_total}`);
      assert.equal(m.ingest_events_stored_total, 80);
      assert.equal(await store.events.count(), 80);
      const list = await store.endpoints.list({ host: 'shop.example.com' });
      assert.deepEqual(list.items.map((e) => e.pathTemplate).sort(), ['/orders/{orderId}', '/orders/{orderId}/items']);
      assert.equal(ingest.pendingEvents(), 0);
    });

    it('overlapping commits store every batch once and apply gateway counters in group order', async () => {
      const store = await target.open();
      // One batch a group: 13 commits, two at a time where the store overlaps them (PostgreSQL).
      const ingest = createIngest({
        store,
        inventory: createInventory({ store }),
        maxEventsPerCommit: 2,
        commitTargetEvents: 2,
        commitLingerMs: 0,
      });
      const counted = (bootId: string, seq: number): ReportBatch => ({
        ...batch(seq, [ev(`/boots/${bootId}`), ev(`/boots/${bootId}/${seq}`)], 'gw-boots'),
        bootId,
        counters: { eventsDropped: seq, requestsSeen: seq * 10 },
      });
      // A gateway restarts after its sixth batch; its third is sent again after the restart.
      const sent = [
        ...[1, 2, 3, 4, 5, 6].map((s) => counted('b1', s)),
        ...[1, 2, 3, 4, 5, 6].map((s) => counted('b2', s)),
        counted('b1', 3),
      ];
      const results = await Promise.all(sent.map((b) => ingest.ingestBatch('gw-boots', b)));
      assert.deepEqual(
        results.map((r) => r.status),
        [...Array<string>(12).fill('ACK_STATUS_OK'), 'ACK_STATUS_DUPLICATE'],
      );
      const m = ingest.metrics.snapshot();
      assert.equal(m.ingest_commits_total, 13);
      assert.equal(m.ingest_commits_in_flight_max, store.ingest.overlapsCommits ? 2 : 1);
      assert.equal(await store.events.count({ gatewayId: 'gw-boots' }), 24);
      // As committed one at a time: the first boot's highest counters, then the second's.
      const g = await store.gateways.get('gw-boots');
      assert.deepEqual([g?.eventsReceived, g?.eventsDropped, g?.requestsSeen], [24, 6 + 6, 60 + 60]);
      assert.equal(ingest.pendingEvents(), 0);
    });

    it('a commit group meeting a duplicate stores the rest once, its aggregates made again from the batches read anew', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }) });
      const withField = (path: string) =>
        ev(path, { params: [{ name: 'page', in: 'FIELD_KIND_QUERY', type: 'JSON_TYPE_INTEGER' }], status: 500 });
      const b = (seq: number) => batch(seq, [withField(`/carts/${seq}`), withField(`/carts/${seq + 100}`)]);
      assert.equal((await ingest.ingestBatch('gw', b(1))).status, 'ACK_STATUS_OK');
      const reread: number[] = [];
      const again = (seq: number) => () => (reread.push(seq), b(seq));
      // One group (added in the same turn): 1 was stored before, 3 comes twice.
      const results = await Promise.all([1, 2, 3, 3].map((seq) => ingest.ingestBatch('gw', b(seq), again(seq))));
      assert.deepEqual(
        results.map((r) => [r.status, r.accepted]),
        [
          ['ACK_STATUS_DUPLICATE', 0],
          ['ACK_STATUS_OK', 2],
          ['ACK_STATUS_OK', 2],
          ['ACK_STATUS_DUPLICATE', 0],
        ],
      );
      assert.deepEqual(reread, [1, 2, 3, 3]);
      assert.equal(ingest.metrics.snapshot().ingest_commits_total, 2);
      // Batches 1, 2 and 3 once each: 6 events, every aggregate counted once.
      assert.equal(await store.events.count(), 6);
      const [e] = (await store.endpoints.list({ search: '/carts/' })).items;
      assert.deepEqual([e?.requests, e?.s5xx], [6, 6]);
      const [page] = await store.endpoints.fields(e!.id);
      assert.deepEqual([page?.name, page?.count], ['page', 6]);
      const minutes = await store.aggregates.series(e!.id, NOW - 120_000, NOW + 120_000);
      assert.equal(
        minutes.reduce((a, m) => a + m.requests, 0),
        6,
      );
    });

    it('rejects malformed batches with a stable code and a metric, never throwing', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }), limits: { maxEvents: 3 } });
      const cases: [unknown, RegExp][] = [
        [null, /^malformed: batch must be an object/],
        [{ gatewayId: 'gw', sequence: 'x' }, /^malformed: sequence/],
        [{ gatewayId: 'gw', sequence: 1, events: 'nope' }, /^malformed: events must be a list/],
        [{ gatewayId: 'gw', sequence: 1, events: [42] }, /^malformed: events\[0\]/],
        [{ gatewayId: 'gw', sequence: 1, bootId: 'x'.repeat(200) }, /^malformed: bootId/],
        [{ gatewayId: 'other', sequence: 1 }, /^gateway_mismatch:/],
        [batch(1, [ev('/a'), ev('/b'), ev('/c'), ev('/d')]), /^too_many_events: 4 events, at most 3/],
      ];
      for (const [input, want] of cases) {
        const r = await ingest.ingestBatch('gw', input as ReportBatch);
        assert.equal(r.status, 'ACK_STATUS_REJECTED');
        assert.match(r.message, want);
      }
      const m = ingest.metrics.snapshot();
      assert.equal(m.ingest_batches_rejected_total, cases.length);
      assert.equal(m.ingest_rejected_malformed_total, 5);
      assert.equal(await store.events.count(), 0);
    });

    it('stores SQL-looking and NUL-bearing input as plain data', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }) });
      const nasty = "/search/'; DROP TABLE events; --";
      const r = await ingest.ingestBatch('gw', batch(1, [ev(nasty, { userAgent: 'x\u0000y', host: 'shop.example.com' })]));
      assert.equal(r.status, 'ACK_STATUS_OK');
      const [stored] = (await store.events.list({})).items;
      assert.equal(stored?.path, nasty);
      assert.match(stored?.detail ?? '', /"userAgent":"xy"/);
    });

    it('stores tabs, line breaks and backslashes in a path and the detail exactly (COPY text escapes on PostgreSQL)', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }) });
      const path = '/files/a\tb\nc\rd\\e';
      const userAgent = 'agent\t1\\2\n';
      const r = await ingest.ingestBatch('gw', batch(1, [ev(path, { userAgent })]));
      assert.equal(r.status, 'ACK_STATUS_OK');
      const [stored] = (await store.events.list({})).items;
      assert.equal(stored?.path, path);
      assert.equal((JSON.parse(stored?.detail ?? '{}') as { userAgent?: string }).userAgent, userAgent);
    });

    it('aggregates status classes, latency, auth, params, shapes and findings per endpoint', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store, internalNetworks: ['10.0.0.0/8'] }) });
      const hash = Buffer.from('0102030405060708', 'hex');
      await ingest.ingestBatch(
        'gw',
        batch(1, [
          ev('/users/1', {
            status: 200,
            latencyUs: 1_000,
            clientIp: '10.1.1.1',
            auth: { scheme: 'AUTH_SCHEME_JWT', jwtAlg: 'RS256' },
            params: [{ name: 'expand', in: 'FIELD_KIND_QUERY', type: 'JSON_TYPE_STRING' }],
            responseShape: { contentType: 'application/json', fields: [{ path: '$.email', type: 'JSON_TYPE_STRING', format: 'email' }] },
            findings: [{ type: 'email', category: 'DATA_CATEGORY_PII', valueHash: hash, location: { direction: 'DIRECTION_RESPONSE' } }],
          }),
          ev('/users/2', { status: 404, latencyUs: 40_000, clientIp: '8.8.8.8', auth: { scheme: 'AUTH_SCHEME_API_KEY_HEADER' } }),
          ev('/users/3', { status: 503, latencyUs: 2_000_000, verdict: { action: 'ACTION_BLOCK', enforced: true } }),
        ]),
      );
      const [e] = (await store.endpoints.list({ search: '/users/' })).items;
      assert.equal(e?.pathTemplate, '/users/{userId}');
      assert.equal(e?.requests, 3);
      assert.deepEqual([e?.s2xx, e?.s4xx, e?.s5xx], [1, 1, 1]);
      assert.deepEqual(e?.authSchemes, ['AUTH_SCHEME_JWT', 'AUTH_SCHEME_API_KEY_HEADER']);
      assert.equal(e?.internal, false);
      assert.equal(e?.internalRequests, 1);
      assert.ok((e?.latencyP99Us ?? 0) > 1_000_000);
      const fields = await store.endpoints.fields(e!.id);
      assert.deepEqual(
        fields.map((f) => [f.location, f.name, f.format]),
        [
          ['query', 'expand', ''],
          ['response', '$.email', 'email'],
        ],
      );
      const [f] = (await store.findings.list({ endpointId: e!.id })).items;
      assert.deepEqual([f?.type, f?.direction, f?.count, f?.distinctValues], ['email', 'DIRECTION_RESPONSE', 1, 1]);
      const minutes = await store.aggregates.series(e!.id, NOW - 120_000, NOW + 120_000);
      assert.equal(
        minutes.reduce((a, m) => a + m.blocked, 0),
        1,
      );
    });

    it('re-templating through ingest keeps the first endpoint id', async () => {
      const store = await target.open();
      const inventory = createInventory({ store, templater: { maxStaticChildren: 4, stickyMinHits: 1000 } });
      const ingest = createIngest({ store, inventory });
      await ingest.ingestBatch('gw', batch(1, [ev('/brands/acme')]));
      const [first] = (await store.endpoints.list({})).items;
      const slugs = ['zeta', 'omega', 'delta', 'sigma', 'kappa', 'theta'];
      let seq = 2;
      for (const s of slugs) await ingest.ingestBatch('gw', batch(seq++, [ev(`/brands/${s}`)]));
      await ingest.ingestBatch('gw', batch(seq, [ev('/brands/another')]));
      const all = (await store.endpoints.list({})).items;
      assert.deepEqual(
        all.map((e) => e.pathTemplate),
        ['/brands/{brand}'],
      );
      assert.equal(all[0]?.id, first?.id, 'the endpoint kept its id');
      assert.equal(all[0]?.requests, 8);
      assert.ok(inventory.stats().retemplated >= 4);
    });

    it('a flood of random paths creates a bounded number of endpoints', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store, templater: { maxNodesPerHost: 300 } }) });
      const rnd = (i: number) => ((i * 2654435761) % 2 ** 32).toString(36);
      for (let b = 0; b < 20; b++) {
        const events = Array.from({ length: 250 }, (_, i) => ev(`/${rnd(b * 250 + i)}q/${rnd(i + 7)}w/${rnd(b)}e`));
        const r = await ingest.ingestBatch('gw', batch(b + 1, events));
        assert.equal(r.status, 'ACK_STATUS_OK');
      }
      const count = await store.endpoints.count();
      assert.ok(count < 100, `endpoints ${count}`);
      assert.equal(await store.events.count(), 5000);
    });

    it('clamps gateway timestamps from a wrong clock to the receive time', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }), now: () => NOW });
      await ingest.ingestBatch('gw', batch(1, [ev('/t', { timestampMs: NOW + 10 * 86_400_000 }), ev('/t', { timestampMs: 0 })]));
      const items = (await store.events.list({})).items;
      assert.ok(items.every((e) => e.timestampMs === NOW));
    });
  });
}

it('every counter the code increments is declared', () => {
  assert.ok(INGEST_COUNTERS.includes('ingest_rejected_too_many_events_total'));
  assert.equal(new Set(INGEST_COUNTERS).size, INGEST_COUNTERS.length);
});
