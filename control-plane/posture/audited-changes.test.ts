// A posture or alert change and its audit entry commit together: when the entry cannot be written,
// the change is not stored either (and the other way round, a stored change always has its entry).
// Run against both stores.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../store/testing.ts';
import type { InTransaction, SqlClient } from '../store/sql-client.ts';
import { PostureService } from './posture-service.ts';

const SPEC = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Audited', version: '1' },
  paths: { '/v1/a': { get: { responses: { '200': { description: 'ok' } } } } },
});
const ROUTE = {
  id: 'audited',
  kinds: ['endpoint-new'],
  channel: { type: 'slack', webhookUrl: 'https://hooks.example.com/services/T/B/x' },
};

/** An audit_log row, written in the change's transaction. */
async function writeEntry(tx: SqlClient): Promise<void> {
  await tx.run('INSERT INTO audit_log (at_ms, actor, role, action, target, details) VALUES (?, ?, ?, ?, ?, ?)', [
    1,
    'a',
    'admin',
    'x',
    'y',
    '{}',
  ]);
}

/** An audit entry that fails after its row was written in the same transaction. */
const failing: InTransaction<unknown> = async (tx) => {
  await writeEntry(tx);
  throw new Error('audit log unavailable');
};

/** Counts what the successful entries wrote, in the change's transaction. */
function counting(): { entry: InTransaction<unknown>; results: unknown[] } {
  const results: unknown[] = [];
  return {
    results,
    entry: async (tx, r) => {
      results.push(r);
      await writeEntry(tx);
    },
  };
}

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) {
  test(`${target.dialect}: a change whose audit entry fails is not stored; one whose entry commits is`, { skip: target.skip }, async () => {
    const store = await target.open();
    const service = await PostureService.create(store, { allowHttpAlerts: false });
    const auditRows = async () => Number((await store.sql.query('SELECT COUNT(*) AS c FROM audit_log'))[0]!.c);
    const before = await auditRows();

    await assert.rejects(service.uploadSpec(SPEC, { name: 'audited' }, failing), /audit log unavailable/);
    assert.equal((await service.repo.listSpecs()).length, 0, 'the spec is not stored without its entry');
    await assert.rejects(service.putRoute(ROUTE, failing), /audit log unavailable/);
    assert.equal((await service.routes()).length, 0, 'the route is not stored without its entry');
    await assert.rejects(service.setMeta({ host: 'h', method: 'GET', path: '/v1/a', owner: 'team', tags: [] }, failing));
    assert.equal((await service.repo.listMeta()).length, 0);
    const model = await service.repo.currentRiskModel();
    await assert.rejects(service.changeRiskModel({ op: 'set-weight', id: 'external-exposure', weight: 3 }, 'a', undefined, failing));
    assert.equal((await service.repo.currentRiskModel()).version, model.version, 'the risk model version is not taken');
    assert.equal(await auditRows(), before, 'the failed entries rolled back with their changes');

    const ok = counting();
    const spec = await service.uploadSpec(SPEC, { name: 'audited' }, ok.entry);
    await service.putRoute(ROUTE, ok.entry);
    await service.setMeta({ host: 'h', method: 'GET', path: '/v1/a', owner: 'team', tags: [] }, ok.entry);
    const { model: next } = await service.changeRiskModel(
      { op: 'set-weight', id: 'external-exposure', weight: 3 },
      'a',
      undefined,
      ok.entry,
    );
    assert.equal(next.version, model.version + 1);
    assert.equal(ok.results.length, 4);
    assert.equal((ok.results[0] as { id: string }).id, spec.id, 'the entry is told what the change stored');
    assert.equal((ok.results[3] as { version: number }).version, next.version);

    // Deleting: the entry runs only when something was deleted, and a failing one keeps the row.
    await assert.rejects(service.deleteSpec(spec.id, failing));
    assert.equal((await service.repo.listSpecs()).length, 1);
    await assert.rejects(service.deleteRoute('audited', failing));
    assert.equal((await service.routes()).length, 1);
    assert.equal(await service.deleteSpec('no-such-spec', failing), false);
    assert.equal(await service.deleteSpec(spec.id, ok.entry), true);
    assert.equal(await service.deleteRoute('audited', ok.entry), true);
    assert.equal(await auditRows(), before + 6);
    await service.close();
  });
}
