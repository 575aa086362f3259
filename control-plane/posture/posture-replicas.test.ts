// Two control-plane replicas on one PostgreSQL evaluating posture at the same moment record each
// change once: evaluations are serialised by an advisory lock and each diffs against the snapshot
// the other stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIngest } from '../ingest/ingest.ts';
import { createInventory } from '../inventory/inventory.ts';
import { storeTargets, type StoreTarget } from '../store/testing.ts';
import type { Store } from '../store/types.ts';
import { PostureService } from './posture-service.ts';

const target: StoreTarget = (await storeTargets()).find((t) => t.dialect === 'postgres')!;
let a: Store;
let b: Store;

before(async () => {
  if (target.skip) return;
  a = await target.open({ shared: 'replicas' });
  b = await target.open({ shared: 'replicas' });
  const inventory = createInventory({ store: a });
  await inventory.load();
  const ingest = createIngest({ store: a, inventory });
  const now = Date.now();
  const events = ['/v1/a', '/v1/b', '/v1/c'].map((path, i) => ({
    id: i + 1,
    timestampMs: now,
    host: 'r.example.com',
    method: 'GET',
    path,
    status: 200,
    latencyUs: 10,
    clientIp: '10.0.0.1',
  }));
  await ingest.ingestBatch('gw', { gatewayId: 'gw', bootId: 'b', sequence: 1, sentAtMs: now, events });
  await ingest.drain();
});
after(async () => target.cleanup());

test('concurrent evaluations on two replicas record each new endpoint once', { skip: target.skip }, async () => {
  const [ra, rb] = await Promise.all([PostureService.create(a), PostureService.create(b)]);
  const [ea, eb] = await Promise.all([ra.evaluate(), rb.evaluate()]);
  assert.equal(ea.events.length + eb.events.length, 3, `replica A recorded ${ea.events.length}, B ${eb.events.length}`);
  const stored = await ra.repo.listEvents({ kind: 'endpoint-new', limit: 100 });
  assert.deepEqual(stored.items.map((e) => e.path).sort(), ['/v1/a', '/v1/b', '/v1/c']);
  await Promise.all([ra.close(), rb.close()]);
});
