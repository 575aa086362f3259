// The shared flow against the real control plane (control-plane/app.ts): a published policy
// reaches the flow through GET /v1/rules with the gateway token, is enforced, and the events the
// policies send are accepted by POST /v1/reports (schema-validated, acked when durable).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../control-plane/app.ts';
import { EMPTY_DETECTION_ENGINE } from '../../control-plane/rules/compile-rule-set.ts';
import { ApigeeEnvironment, exchange } from './lib/flow-simulator.ts';
import type { MessageState, PolicyRunner } from './lib/policy-runner.ts';
import { RUNTIMES } from './lib/runtimes.ts';

const get = (path: string): MessageState => ({
  verb: 'GET',
  path,
  querystring: 'page=2',
  headers: [['Host', 'shop.example.com']],
  content: null,
  clientIp: '198.51.100.9',
});
const OK = {
  status: 200,
  headers: [['Content-Type', 'application/json']] as [string, string][],
  content: '{"items":[{"id":1,"name":"a"}]}',
};

for (const rt of RUNTIMES) {
  describe(`shared flow with the real control plane, ${rt.name}`, { skip: rt.skip }, () => {
    let cp: ControlPlane;
    let dir: string;
    let runner: PolicyRunner;
    let gatewayToken: string;
    const gatewayId = `apigee-it-${rt.name}`;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'palisade-apigee-cp-'));
      cp = await startControlPlane(
        {
          dataDir: dir,
          grpc: { host: '127.0.0.1', port: 0 },
          http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 },
          log: { level: 'silent' },
        },
        { detectionEngine: EMPTY_DETECTION_ENGINE },
      );
      gatewayToken = await cp.createToken(gatewayId, 'gateway', gatewayId);
      const operator = await cp.createToken(`op-${rt.name}`, 'operator');
      const source = {
        policies: [
          { id: 'admin-off', action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', match: { paths: ['/admin/**'] }, block: { status: 403 } },
        ],
      };
      const res = await fetch(`${cp.httpUrl}/v1/rules/publish`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source, comment: 'apigee integration' }),
      });
      assert.equal(res.status, 201, await res.text());
      runner = rt.create();
    });

    after(async () => {
      await runner?.close();
      await cp?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('enforces the published policy and the control plane acks every event', async () => {
      const e = new ApigeeEnvironment(runner, { controlPlaneUrl: cp.httpUrl, gatewayId });
      e.kvm.set('gateway-token', gatewayToken);
      const blocked = await exchange(e, get('/admin/users'), OK);
      assert.equal(blocked.status, 403);
      assert.equal(blocked.request.state.variables['palisade.rules.source'], 'control-plane');
      assert.equal(e.callouts[0]?.status, 200);
      const allowed = await exchange(e, get('/v1/items'), OK);
      assert.equal(allowed.status, 200);
      await e.flushReports();
      assert.equal(e.delivered.length, 2);
      for (const d of e.delivered) {
        assert.equal(d.status, 200, d.body);
        assert.equal((JSON.parse(d.body) as { status: string }).status, 'ACK_STATUS_OK');
      }
    });

    it('a wrong gateway token: rules fall back to the built-ins, traffic still flows', async () => {
      const e = new ApigeeEnvironment(runner, { controlPlaneUrl: cp.httpUrl, gatewayId });
      e.kvm.set('gateway-token', 'pal_wrong');
      const r = await exchange(e, get('/admin/users'), OK);
      assert.equal(r.status, 200, 'the built-in set has no policies');
      assert.equal(r.request.state.variables['palisade.rules.fetch.error'], 'status:401');
      await e.flushReports();
      assert.equal(e.delivered[0]?.status, 401);
    });
  });
}
