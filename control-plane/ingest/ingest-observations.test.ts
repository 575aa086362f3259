// Format and JWT alg counts through real ingest into both stores: counts add up across batches,
// values outside the known vocabularies cannot grow the table, and merging endpoints (retemplate)
// folds the counts into the kept endpoint.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import type { ApiEvent } from '../../proto/gen/palisade/v1/ApiEvent.ts';
import { createInventory } from '../inventory/inventory.ts';
import { storeTargets } from '../store/testing.ts';
import type { Store } from '../store/types.ts';
import { createIngest } from './ingest.ts';

const NOW = Date.now();
const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

function ev(id: number, path: string, jwtAlg: string, format: string): ApiEvent {
  return {
    id,
    timestampMs: NOW,
    host: 'obs.example.com',
    method: 'POST',
    path,
    status: 200,
    clientIp: '198.51.100.7',
    auth: { scheme: 'AUTH_SCHEME_JWT', jwtAlg },
    params: [{ name: 'since', in: 'FIELD_KIND_QUERY', type: 'JSON_TYPE_STRING', format }],
    requestShape: { contentType: 'application/json', fields: [{ path: '$.email', type: 'JSON_TYPE_STRING', format: 'email' }] },
  };
}

async function observations(store: Store, endpointId: string): Promise<string[]> {
  const rows = await store.sql.query('SELECT kind, location, name, value, count FROM endpoint_observations WHERE endpoint_id = ?', [
    endpointId,
  ]);
  return rows.map((r) => `${r.kind} ${r.location} ${r.name} ${r.value} ${Number(r.count)}`).sort();
}

for (const target of targets) {
  describe(`format and JWT alg counts (${target.dialect})`, { skip: target.skip }, () => {
    it('adds counts across batches and folds unknown algs and formats', async () => {
      const store = await target.open();
      const ingest = createIngest({ store, inventory: createInventory({ store }) });
      const a = await ingest.ingestBatch('gw', {
        gatewayId: 'gw',
        bootId: 'b',
        sequence: 1,
        events: [ev(1, '/login', 'NONE', 'date-time'), ev(2, '/login', 'HS256', 'date-time')],
      });
      const b = await ingest.ingestBatch('gw', {
        gatewayId: 'gw',
        bootId: 'b',
        sequence: 2,
        events: [ev(3, '/login', 'x-made-up', 'not-a-format'), ev(4, '/login', '', 'date-time')],
      });
      assert.deepEqual([a.status, b.status], ['ACK_STATUS_OK', 'ACK_STATUS_OK']);
      const [login] = (await store.endpoints.list({ host: 'obs.example.com' })).items;
      assert.ok(login);
      assert.deepEqual(await observations(store, login.id), [
        'format query since date-time 3',
        'format request $.email email 4',
        'jwt_alg   HS256 1',
        'jwt_alg   none 1',
        'jwt_alg   other 1',
      ]);
    });

    it('retemplate folds the merged endpoint counts into the kept one', async () => {
      const store = await target.open();
      const [keep, gone] = (await store.endpoints.ensure(
        [
          { host: 'm.example.com', method: 'GET', pathTemplate: '/a/red' },
          { host: 'm.example.com', method: 'GET', pathTemplate: '/a/blue' },
        ],
        NOW,
      )) as [string, string];
      const row = (endpointId: string, count: number) => ({
        endpointId,
        kind: 'jwt_alg' as const,
        location: '' as const,
        name: '',
        value: 'none',
        count,
      });
      const unit = (seq: number, endpointId: string, count: number) => ({
        key: { gatewayId: 'gw', bootId: 'b', sequence: String(seq) },
        events: [],
        minutes: [],
        endpoints: [],
        fields: [],
        findings: [],
        observations: [row(endpointId, count)],
        gateway: { gatewayId: 'gw', bootId: 'b', seenMs: NOW, eventsReceived: 0, eventsDroppedSinceBoot: 0, requestsSeenSinceBoot: 0 },
      });
      await store.ingest.commit([unit(1, keep, 2), unit(2, gone, 3)]);
      await store.endpoints.retemplate(keep, '/a/{colour}', [gone]);
      assert.deepEqual(await observations(store, keep), ['jwt_alg   none 5']);
      assert.deepEqual(await observations(store, gone), []);
    });
  });
}
