import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import nock from 'nock';
import { SMTPServer } from 'smtp-server';
import type { PostureEvent } from '../posture/posture-changes.ts';
import { AlertDispatcher } from './alert-dispatcher.ts';
import { AlertRouteError, parseAlertRoute, redactRoute, routeMatches } from './alert-route.ts';
import { MemoryDeliveryLog } from './delivery-log.ts';

const SLACK = 'https://hooks.slack.example';
const PD = 'https://events.pagerduty.example';

function event(over: Partial<PostureEvent> = {}): PostureEvent {
  return {
    id: 'ev1',
    at: Date.UTC(2026, 0, 1),
    kind: 'sensitive-data-new',
    severity: 'critical',
    host: 'shop.example.com',
    method: 'GET',
    path: '/v1/cards/{id}',
    summary: 'credit_card now seen on GET /v1/cards/{id}',
    dedupKey: 'dk-1',
    resolves: false,
    data: { type: 'credit_card' },
    ...over,
  };
}

function setup(routes: unknown[], opts: { now?: () => number; timeoutMs?: number; maxAttempts?: number } = {}) {
  const log = new MemoryDeliveryLog();
  const delays: number[] = [];
  const d = new AlertDispatcher(
    routes.map((r) => parseAlertRoute(r, { allowHttp: true })),
    {
      log,
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      timeoutMs: opts.timeoutMs ?? 1000,
      maxAttempts: opts.maxAttempts ?? 4,
      ...(opts.now ? { now: opts.now } : {}),
    },
  );
  return {
    d,
    log,
    delays,
    outcomes: () => log.entries.map((e) => `${e.routeId}:${e.outcome}:${e.attempt}${e.status ? `:${e.status}` : ''}`),
  };
}

before(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
beforeEach(() => nock.cleanAll());
after(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

test('Slack: delivered as an incoming-webhook message, logged', async () => {
  let body: { text?: string } = {};
  const scope = nock(SLACK)
    .post('/services/T1/B1/x', (b: { text?: string }) => ((body = b), true))
    .reply(200, 'ok');
  const { d, outcomes } = setup([{ id: 'slack', channel: { type: 'slack', webhookUrl: `${SLACK}/services/T1/B1/x` } }]);
  d.publish([event()]);
  await d.drain();
  scope.done();
  assert.match(body.text ?? '', /^\[Palisade CRITICAL\] credit_card now seen/);
  assert.deepEqual(outcomes(), ['slack:delivered:1:200']);
});

test('Slack 5xx is retried with exponential backoff, then delivered', async () => {
  const scope = nock(SLACK).post('/hook').reply(503, 'busy').post('/hook').reply(500, 'err').post('/hook').reply(200, 'ok');
  const { d, outcomes, delays } = setup([{ id: 's', channel: { type: 'slack', webhookUrl: `${SLACK}/hook` } }]);
  d.publish([event()]);
  await d.drain();
  scope.done();
  assert.deepEqual(outcomes(), ['s:retrying:1:503', 's:retrying:2:500', 's:delivered:3:200']);
  assert.deepEqual(delays, [250, 500], 'full jitter (random 0.5) over 500 ms · 2^(n-1)');
});

test('an alert endpoint that hangs times out per attempt and never blocks the publisher', async () => {
  const scope = nock(SLACK).post('/slow').delay(5000).reply(200, 'ok').post('/slow').delay(5000).reply(200, 'ok');
  const { d, log } = setup([{ id: 's', channel: { type: 'slack', webhookUrl: `${SLACK}/slow` } }], { timeoutMs: 100, maxAttempts: 2 });
  const t0 = performance.now();
  d.publish([event()]);
  assert.ok(performance.now() - t0 < 50, 'publish only queues');
  await d.drain();
  assert.equal(scope.isDone(), true);
  assert.deepEqual(
    log.entries.map((e) => e.outcome),
    ['retrying', 'failed'],
  );
  assert.match(log.entries[1]?.error ?? '', /timed out after 100 ms/);
  assert.equal(d.counters.failed, 1);
});

test('PagerDuty: trigger with the dedup key, resolve with the same key; 4xx is not retried', async () => {
  const bodies: Record<string, unknown>[] = [];
  const scope = nock(PD)
    .post('/v2/enqueue', (b: Record<string, unknown>) => (bodies.push(b), true))
    .times(2)
    .reply(202, { status: 'success', dedup_key: 'dk-1' })
    .post('/v2/enqueue')
    .reply(400, { status: 'invalid event' });
  const { d, outcomes } = setup([
    { id: 'pd', channel: { type: 'pagerduty', routingKey: 'R0UTINGKEY0123456789012345678901', url: `${PD}/v2/enqueue` } },
  ]);
  d.publish([event(), event({ id: 'ev2', kind: 'conformance-violation-resolved', severity: 'info', resolves: true })]);
  await d.drain();
  d.publish([event({ id: 'ev3', dedupKey: 'dk-3' })]);
  await d.drain();
  scope.done();
  assert.equal(bodies[0]?.event_action, 'trigger');
  assert.equal(bodies[0]?.dedup_key, 'dk-1');
  assert.equal((bodies[0]?.payload as Record<string, unknown>).severity, 'critical');
  assert.deepEqual(bodies[1], { routing_key: 'R0UTINGKEY0123456789012345678901', event_action: 'resolve', dedup_key: 'dk-1' });
  assert.deepEqual(outcomes(), ['pd:delivered:1:202', 'pd:delivered:1:202', 'pd:failed:1:400']);
});

test('an alert storm is rate limited; the next alert through carries the held-back count', async () => {
  let now = 0;
  const bodies: Record<string, unknown>[] = [];
  const scope = nock(PD)
    .post('/e', (b: Record<string, unknown>) => (bodies.push(b), true))
    .times(3)
    .reply(202, {});
  const { d, outcomes } = setup([{ id: 'pd', perMinute: 1, burst: 2, channel: { type: 'pagerduty', routingKey: 'k', url: `${PD}/e` } }], {
    now: () => now,
  });
  d.publish(Array.from({ length: 6 }, (_, i) => event({ id: `e${i}`, dedupKey: `d${i}` })));
  await d.drain();
  now += 61_000;
  d.publish([event({ id: 'late', dedupKey: 'late' })]);
  await d.drain();
  scope.done();
  assert.deepEqual(outcomes(), [
    'pd:delivered:1:202',
    'pd:delivered:1:202',
    'pd:suppressed:0',
    'pd:suppressed:0',
    'pd:suppressed:0',
    'pd:suppressed:0',
    'pd:delivered:1:202',
  ]);
  assert.equal(((bodies[2]?.payload as Record<string, unknown>).custom_details as Record<string, unknown>).suppressedDuringStorm, 4);
});

test('email: delivered to a real SMTP server; a 5xx reply fails without retrying', async () => {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) {
        const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => (received.push(data), cb()));
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  try {
    const channel = (to: string) => ({ type: 'email', host: '127.0.0.1', port, ignoreTls: true, from: 'palisade@example.com', to: [to] });
    const { d, outcomes } = setup([
      { id: 'mail', channel: channel('secops@example.com') },
      { id: 'bad', channel: channel('nobody@example.com') },
    ]);
    d.publish([event()]);
    await d.drain();
    d.close();
    assert.equal(received.length, 1);
    assert.match(received[0] ?? '', /Subject: \[Palisade CRITICAL\] credit_card now seen/);
    assert.match(received[0] ?? '', /X-Palisade-Dedup-Key: dk-1/i);
    assert.deepEqual(outcomes().sort(), ['bad:failed:1:550', 'mail:delivered:1']);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('routes: filters by kind, severity and host; bad routes are refused with the field; secrets redacted', () => {
  const r = parseAlertRoute({
    id: 'r1',
    kinds: ['auth-weakened'],
    minSeverity: 'high',
    hosts: ['Shop.example.com'],
    channel: { type: 'pagerduty', routingKey: 'abcdefgh' },
  });
  assert.equal(r.channel.type === 'pagerduty' && r.channel.url, 'https://events.pagerduty.com/v2/enqueue');
  const weak = event({ kind: 'auth-weakened', severity: 'high' });
  assert.equal(routeMatches(r, weak), true);
  assert.equal(routeMatches(r, { ...weak, severity: 'medium' }), false);
  assert.equal(routeMatches(r, { ...weak, host: 'other.example.com' }), false);
  assert.equal(routeMatches(r, event()), false, 'kind not selected');
  assert.deepEqual(redactRoute(r).channel, { type: 'pagerduty', routingKey: 'abcd…', url: 'https://events.pagerduty.com/v2/enqueue' });
  assert.throws(
    () => parseAlertRoute({ id: 'x', channel: { type: 'slack', webhookUrl: 'http://hooks.example/x' } }),
    (e: unknown) => e instanceof AlertRouteError && e.path === 'route.channel.webhookUrl',
  );
  assert.throws(
    () => parseAlertRoute({ id: 'x', minSeverity: 'urgent', channel: { type: 'slack', webhookUrl: 'https://h/x' } }),
    /route.minSeverity/,
  );
  assert.throws(() => parseAlertRoute({ id: 'x', channel: { type: 'sms' } }), /route.channel.type/);
  assert.throws(
    () => parseAlertRoute({ id: 'x', channel: { type: 'email', host: 'h', from: 'a@b', to: ['not-an-address'] } }),
    /route.channel.to/,
  );
});
