// The rules, auth and audit repositories on both stores (SQLite and PostgreSQL, same suite):
// immutable numbered versions with optimistic concurrency, hashed tokens, an audit entry in the
// same transaction as each change, keyset pagination.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../store/testing.ts';
import { AuditLog, SYSTEM_ACTOR } from '../audit/audit-log.ts';
import { TokenStore, hashToken } from '../auth/token-store.ts';
import { RulesService } from './rules-service.ts';
import { EMPTY_DETECTION_ENGINE } from './compile-rule-set.ts';
import { PalisadeError } from '../errors/catalogue.ts';

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

const source = (rate: number) => ({
  policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate, key: 'RATE_LIMIT_KEY_GLOBAL' } }],
});
const actor = { name: 'alice', role: 'operator' };

for (const target of targets) {
  describe(`${target.dialect} repositories`, { skip: target.skip }, () => {
    test('publish numbers versions, refuses a stale expectedVersion and audits each change', async () => {
      const store = await target.open();
      const audit = new AuditLog(store.sql);
      const rules = new RulesService({ sql: store.sql, audit, engine: EMPTY_DETECTION_ENGINE });
      await rules.init();
      const seen: number[] = [];
      rules.onVersion((c) => seen.push(c.version));
      const v1 = await rules.publish(actor, { source: source(1), comment: 'one', expectedVersion: 0 });
      const v2 = await rules.publish(actor, { source: source(2), expectedVersion: 1 });
      assert.deepEqual([v1.version, v2.version], [1, 2]);
      await assert.rejects(
        rules.publish(actor, { source: source(3), expectedVersion: 1 }),
        (e: PalisadeError) => e.code === 'PAL-RULES-CONFLICT',
      );
      const rb = await rules.rollback(actor, { toVersion: 1 });
      assert.equal(rb.version, 3);
      assert.equal(rb.rolledBackFrom, 1);
      assert.equal(rb.digest, v1.digest);
      assert.deepEqual(seen, [1, 2, 3]);
      const stored = await rules.versions.get(3);
      assert.deepEqual(stored?.source, source(1));
      assert.equal(stored?.comment, 'rollback to version 1');

      const page1 = await rules.versions.list({ limit: 2 });
      const page2 = await rules.versions.list({ limit: 2, cursor: page1.nextCursor });
      assert.deepEqual(
        [...page1.items, ...page2.items].map((v) => v.version),
        [3, 2, 1],
      );
      assert.equal(page2.nextCursor, '');

      const entries = await audit.list({});
      assert.deepEqual(
        entries.items.map((e) => e.action),
        ['rules.rollback', 'rules.publish', 'rules.publish'],
      );
      assert.equal(entries.items[2]!.actor, 'alice');
      assert.equal(JSON.parse(entries.items[2]!.details).comment, 'one');

      // A second service on the same store (a restart, or another replica) starts from the latest.
      const again = new RulesService({ sql: store.sql, audit, engine: EMPTY_DETECTION_ENGINE });
      await again.init();
      assert.equal(again.current().version, 3);
      assert.equal(again.current().compiled.digest, v1.digest);
    });

    test('tokens are stored hashed, authenticate by role, and revoke with an audit entry', async () => {
      const store = await target.open();
      const audit = new AuditLog(store.sql);
      const tokens = new TokenStore(store.sql, audit, 60_000);
      const { token, record } = await tokens.create(SYSTEM_ACTOR, { name: 'edge', role: 'gateway', gatewayId: 'edge-1' });
      const rows = await store.sql.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
      assert.deepEqual(
        rows.map((r) => r.token_hash),
        [hashToken(token)],
      );
      assert.doesNotMatch(JSON.stringify(await store.sql.query('SELECT * FROM api_tokens')), new RegExp(token.slice(4)));
      assert.deepEqual(await tokens.authenticateGateway(token), { gatewayId: 'edge-1', tokenId: record.id, name: 'edge' });
      assert.equal(await tokens.authenticate('pal_' + 'x'.repeat(43)), null);
      await tokens.revoke(SYSTEM_ACTOR, record.id);
      assert.equal(await tokens.authenticate(token), null, 'a revoke clears the cache on this replica');
      const ensured = await tokens.ensure(SYSTEM_ACTOR, { name: 'boot', role: 'admin', token: 'pal_bootstrap-token-for-tests' });
      const ensuredAgain = await tokens.ensure(SYSTEM_ACTOR, { name: 'boot', role: 'admin', token: 'pal_bootstrap-token-for-tests' });
      assert.equal(ensured.id, ensuredAgain.id);
      assert.equal((await tokens.authenticate('pal_bootstrap-token-for-tests'))?.role, 'admin');
      const actions = (await audit.list({})).items.map((e) => e.action);
      assert.deepEqual(actions, ['token.create', 'token.revoke', 'token.create']);
    });
  });
}
