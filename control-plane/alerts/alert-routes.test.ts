// Alert routes through the running control plane's API, on SQLite and PostgreSQL: posture changes
// caused by reported traffic reach Slack and PagerDuty (nock) and email (a real SMTP server), a 5xx is
// retried, secrets never come back out, and every attempt is in the delivery log.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { SMTPServer } from 'smtp-server';
import { eventually, startTestPlane, type Dialect, type TestPlane } from '../posture/testing-http.ts';

const SLACK = 'https://hooks.slack.example';
const PD = 'https://events.pagerduty.example';

let smtp: SMTPServer;
let smtpPort = 0;
const mails: string[] = [];

before(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => (mails.push(data), cb()));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
beforeEach(() => nock.cleanAll());
after(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await new Promise<void>((r) => smtp.close(() => r()));
});

type Delivery = { routeId: string; outcome: string; attempt: number; status?: number; eventId: string; atMs: number };

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`alert routes on ${dialect}`, () => {
    let t: TestPlane;
    const deliveries = async (routeId: string) =>
      ((await t.call('GET', `/v1/alerts/deliveries?routeId=${routeId}`, t.tokens.viewer)).json.items as Delivery[]).map(
        (d) => `${d.outcome}:${d.attempt}${d.status ? `:${d.status}` : ''}`,
      );

    before(async () => {
      t = await startTestPlane(
        dialect,
        { debounceMs: 20, maxDelayMs: 200 },
        { postureOptions: { dispatcher: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 } } },
      );
    });
    after(async () => t?.close());

    test('routes are validated, unique, redacted when read, patched without resending secrets, and deleted', async () => {
      const bad = await t.call('POST', '/v1/alerts/routes', t.tokens.operator, {
        id: 'x',
        channel: { type: 'slack', webhookUrl: 'http://plain.example/hook' },
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.code, 'PAL-ALERT-ROUTE-INVALID');
      assert.deepEqual(bad.json.errors, [{ path: '$.channel.webhookUrl', message: 'route.channel.webhookUrl: must be an https URL' }]);
      const route = { id: 'sec-slack', kinds: ['endpoint-new'], channel: { type: 'slack', webhookUrl: `${SLACK}/services/T0/B0/s3cr3t` } };
      const created = await t.call('POST', '/v1/alerts/routes', t.tokens.operator, route);
      assert.equal(created.status, 201, created.text);
      assert.equal((await t.call('POST', '/v1/alerts/routes', t.tokens.operator, route)).json.code, 'PAL-ALERT-ROUTE-EXISTS');
      assert.equal((await t.call('POST', '/v1/alerts/routes', t.tokens.viewer, route)).status, 403);
      const list = await t.call('GET', '/v1/alerts/routes', t.tokens.viewer);
      assert.ok(!list.text.includes('s3cr3t'), list.text);
      const patched = await t.call('PATCH', '/v1/alerts/routes/sec-slack', t.tokens.operator, { minSeverity: 'info', name: 'Security' });
      assert.equal(patched.json.name, 'Security');

      // The patched route still holds the secret: a test alert reaches the full webhook URL.
      const scope = nock(SLACK).post('/services/T0/B0/s3cr3t').reply(200, 'ok');
      const sent = await t.call('POST', '/v1/alerts/routes/sec-slack/test', t.tokens.operator, { summary: 'hello from the test' });
      assert.equal(sent.status, 202);
      await eventually(async () => ((await deliveries('sec-slack')).includes('delivered:1:200') ? true : undefined));
      assert.ok(scope.isDone());
      const gone = await t.call('DELETE', '/v1/alerts/routes/sec-slack', t.tokens.operator);
      assert.equal(gone.status, 204);
      assert.equal((await t.call('GET', '/v1/alerts/routes/sec-slack', t.tokens.viewer)).json.code, 'PAL-POSTURE-NOT-FOUND');
      const audit = (await t.call('GET', '/v1/audit', t.tokens.operator)).json.items as {
        action: string;
        target: string;
        details: string;
      }[];
      const actions = audit.filter((e) => e.target === 'alerts/routes/sec-slack').map((e) => e.action);
      assert.deepEqual(actions, ['alert-route.delete', 'alert-route.update', 'alert-route.create']);
      assert.ok(!JSON.stringify(audit).includes('s3cr3t'), 'a secret reached the audit log');
    });

    test('posture changes from traffic reach Slack, PagerDuty (after a 5xx, with a dedup key) and email', async () => {
      const slackBodies: Record<string, unknown>[] = [];
      const pdBodies: Record<string, unknown>[] = [];
      nock(SLACK)
        .post('/services/T1/B1/k', (b: Record<string, unknown>) => (slackBodies.push(b), true))
        .reply(200, 'ok');
      nock(PD)
        .post('/v2/enqueue')
        .reply(503, 'busy')
        .post('/v2/enqueue', (b: Record<string, unknown>) => (pdBodies.push(b), true))
        .reply(202, { status: 'success' });
      const routes = [
        { id: 'slack', kinds: ['endpoint-new'], channel: { type: 'slack', webhookUrl: `${SLACK}/services/T1/B1/k` } },
        { id: 'pd', kinds: ['endpoint-new'], channel: { type: 'pagerduty', routingKey: 'R0UT1NGKEY', url: `${PD}/v2/enqueue` } },
        {
          id: 'mail',
          kinds: ['endpoint-new'],
          channel: {
            type: 'email',
            host: '127.0.0.1',
            port: smtpPort,
            ignoreTls: true,
            from: 'palisade@example.com',
            to: ['secops@example.com'],
          },
        },
      ];
      for (const r of routes) assert.equal((await t.call('POST', '/v1/alerts/routes', t.tokens.operator, r)).status, 201);
      const mailsBefore = mails.length;

      await t.report([{ host: 'pay.example.com', method: 'GET', path: '/v2/refunds', status: 200 }]);
      await eventually(async () => ((await deliveries('pd')).includes('delivered:2:202') ? true : undefined));
      await eventually(async () => ((await deliveries('slack')).includes('delivered:1:200') ? true : undefined));
      await eventually(async () => ((await deliveries('mail')).includes('delivered:1') ? true : undefined));
      assert.ok((await deliveries('pd')).includes('retrying:1:503'));
      assert.match(JSON.stringify(slackBodies[0]), /new endpoint GET pay\.example\.com\/v2\/refunds/);
      assert.equal(pdBodies[0]!.event_action, 'trigger');
      assert.equal(typeof pdBodies[0]!.dedup_key, 'string');
      assert.equal(mails.length, mailsBefore + 1);
      assert.match(mails[mails.length - 1]!, /pay\.example\.com/);
    });

    test('the REST OpenAPI document describes the posture and alert routes', async () => {
      const doc = (await t.call('GET', '/v1/openapi.json', t.tokens.viewer)).json as {
        paths: Record<string, Record<string, { security?: unknown }>>;
      };
      for (const [method, path] of [
        ['post', '/v1/specs'],
        ['get', '/v1/specs/{id}'],
        ['delete', '/v1/specs/{id}'],
        ['get', '/v1/openapi/{host}'],
        ['get', '/v1/endpoints/{id}/risk'],
        ['patch', '/v1/endpoints/{id}'],
        ['get', '/v1/conformance'],
        ['get', '/v1/posture/classes'],
        ['put', '/v1/risk/factors'],
        ['get', '/v1/posture/changes/export'],
        ['patch', '/v1/alerts/routes/{id}'],
        ['get', '/v1/alerts/deliveries'],
        ['get', '/v1/geo'],
      ]) {
        const op = doc.paths[path!]?.[method!];
        assert.ok(op, `${method} ${path} is not documented`);
        assert.deepEqual(op.security, [{ bearer: [] }]);
      }
    });
  });
}
