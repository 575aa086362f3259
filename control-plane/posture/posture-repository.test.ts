// Posture and alert tables on both databases: SQLite in a temp dir and PostgreSQL in a schema of
// its own (skipped with a reason when PostgreSQL is unreachable outside CI).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { AlertRepository } from '../alerts/alert-repository.ts';
import { AlertRouteError } from '../alerts/alert-route.ts';
import { storeTargets } from '../store/testing.ts';
import type { PostureEvent } from './posture-changes.ts';
import { PostureRepository } from './posture-repository.ts';
import { applyRiskModelChange, INITIAL_RISK_MODEL } from './risk-model.ts';

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

const ev = (i: number, over: Partial<PostureEvent> = {}): PostureEvent => ({
  id: i.toString(16).padStart(8, '0'),
  at: 1000 + Math.floor(i / 2),
  kind: i % 2 ? 'endpoint-new' : 'auth-weakened',
  severity: i % 2 ? 'info' : 'high',
  host: 'a.example',
  method: 'GET',
  path: `/p/${i}`,
  summary: `event ${i}`,
  dedupKey: `dk${i}`,
  resolves: false,
  data: { i },
  ...over,
});

for (const target of targets) {
  test(`${target.dialect}: specs, owners and tags, versioned risk model with optimistic concurrency`, { skip: target.skip }, async () => {
    const store = await target.open();
    const repo = new PostureRepository(store.sql);
    const s = await repo.putSpec({
      name: 'a.yaml',
      host: 'a.example',
      specVersion: '3.1',
      title: 'A',
      source: 'openapi: 3.1.0',
      uploadedMs: 5,
    });
    assert.equal(s.sizeBytes, 14);
    assert.deepEqual(
      (await repo.listSpecs(true)).map((x) => [x.id, x.source, x.host]),
      [[s.id, 'openapi: 3.1.0', 'a.example']],
    );
    assert.equal(await repo.deleteSpec(s.id), true);
    assert.equal(await repo.deleteSpec(s.id), false);
    await repo.setMeta({ host: 'a.example', method: 'GET', path: '/x', owner: 'team-a', tags: ['pci'] }, 1);
    await repo.setMeta({ host: 'a.example', method: 'GET', path: '/x', owner: 'team-b', tags: [] }, 2);
    assert.deepEqual(await repo.listMeta(), [{ host: 'a.example', method: 'GET', path: '/x', owner: 'team-b', tags: [] }]);
    assert.equal((await repo.currentRiskModel()).version, 1);
    const v2 = applyRiskModelChange(INITIAL_RISK_MODEL, { op: 'set-weight', id: 'shadow', weight: 30 }, 10);
    assert.equal(await repo.saveRiskModel(v2, 'alice'), true);
    assert.equal(await repo.saveRiskModel(v2, 'bob'), false, 'a second writer of version 2 loses');
    assert.equal((await repo.currentRiskModel()).weights.shadow, 30);
    assert.deepEqual(
      (await repo.riskModelVersions()).map((v) => [v.version, v.actor]),
      [[2, 'alice']],
    );
  });

  test(`${target.dialect}: posture events filter and paginate newest first; snapshot round-trips`, { skip: target.skip }, async () => {
    const store = await target.open();
    const repo = new PostureRepository(store.sql);
    await repo.appendEvents(Array.from({ length: 7 }, (_, i) => ev(i)));
    await repo.appendEvents([ev(3)]); // same id again: ignored
    const p1 = await repo.listEvents({ limit: 3 });
    assert.deepEqual(
      p1.items.map((e) => e.id),
      ['00000006', '00000005', '00000004'],
    );
    const p2 = await repo.listEvents({ limit: 3, cursor: p1.nextCursor });
    assert.deepEqual(
      p2.items.map((e) => e.id),
      ['00000003', '00000002', '00000001'],
    );
    const p3 = await repo.listEvents({ limit: 3, cursor: p2.nextCursor });
    assert.deepEqual(
      p3.items.map((e) => e.id),
      ['00000000'],
    );
    assert.equal(p3.nextCursor, '');
    assert.deepEqual(
      (await repo.listEvents({ kind: 'auth-weakened', sinceMs: 1002 })).items.map((e) => e.id),
      ['00000006', '00000004'],
    );
    assert.deepEqual((await repo.listEvents({ limit: 1 })).items[0]?.data, { i: 6 });
    await repo.saveSnapshot(new Map([['GET a /x', { risk: 5 }]]), 1);
    await repo.saveSnapshot(new Map([['GET a /y', { risk: 7 }]]), 2);
    assert.deepEqual([...(await repo.loadSnapshot())], [['GET a /y', { risk: 7 }]]);
  });

  test(`${target.dialect}: alert routes are validated before storing; deliveries are logged`, { skip: target.skip }, async () => {
    const store = await target.open();
    const repo = new AlertRepository(store.sql);
    await assert.rejects(repo.putRoute({ id: 'bad', channel: { type: 'slack', webhookUrl: 'ftp://x' } }, 1), AlertRouteError);
    assert.deepEqual(await repo.listRoutes(), []);
    await repo.putRoute({ id: 'pd', channel: { type: 'pagerduty', routingKey: 'k1' } }, 1);
    await repo.putRoute({ id: 'pd', minSeverity: 'high', channel: { type: 'pagerduty', routingKey: 'k2' } }, 2);
    const routes = await repo.listRoutes();
    assert.equal(routes.length, 1);
    assert.equal(routes[0]?.minSeverity, 'high');
    const log = repo.deliveryLog();
    log.append({
      at: 1,
      routeId: 'pd',
      channel: 'pagerduty',
      eventId: 'e1',
      dedupKey: 'd',
      attempt: 1,
      outcome: 'retrying',
      status: 503,
      error: 'busy',
    });
    log.append({ at: 2, routeId: 'pd', channel: 'pagerduty', eventId: 'e1', dedupKey: 'd', attempt: 2, outcome: 'delivered', status: 202 });
    await log.flush();
    assert.deepEqual(
      (await repo.listDeliveries({ routeId: 'pd' })).map((d) => `${d.outcome}:${d.attempt}:${d.status}:${d.error ?? ''}`),
      ['delivered:2:202:', 'retrying:1:503:busy'],
    );
    assert.equal(await repo.deleteRoute('pd'), true);
  });
}
