// The built palisade.wasm in the Proxy-Wasm host (STYLE.md §7: test the artefact), against a small
// in-test GatewayService (lib/fake-control-plane.ts) over real gRPC.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPlugin, type Plugin, type PluginOptions } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';
import { encodeMessage } from './lib/proto.ts';

// PALISADE_WASM overrides the module (e.g. a build from another tree).
const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';

function clock(startMs = 1_700_000_000_000) {
  let ms = startMs;
  return { now: () => BigInt(ms) * 1_000_000n, advance: (d: number) => (ms += d), ms: () => ms };
}

async function filter(config: Record<string, unknown>, options: Partial<PluginOptions> = {}): Promise<Plugin> {
  return createPlugin({ wasm: WASM, pluginConfig: JSON.stringify(config), manualTicks: true, ...options });
}

function cpConfig(port: number, extra: Record<string, unknown> = {}) {
  return {
    config: { control_plane_cluster: 'control_plane', gateway_id: 'edge-1', token: 'tok-1', gateway_kind: 'dev', batch_size: 1, ...extra },
    options: { grpcClusters: { control_plane: { address: `127.0.0.1:${port}` } } },
  };
}

const blockAdmin = (version: number, extra: Record<string, unknown> = {}) => ({
  version,
  policies: [{ id: 'block-admin', action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', match: { paths: ['/admin/**'] }, ...extra }],
});

describe('plugin configuration', () => {
  test('a bad setting refuses the plugin with a log line naming the field', async () => {
    const logs: string[] = [];
    await assert.rejects(
      createPlugin({ wasm: WASM, pluginConfig: '{"max_body_bytes": -1}', logger: (e) => logs.push(e.message) }),
      (e: Error & { code?: string }) => e.code === 'configure',
    );
    assert.ok(
      logs.some((l) => l.includes('`max_body_bytes`')),
      logs.join('\n'),
    );
  });

  test('an unknown key is refused rather than ignored', async () => {
    const logs: string[] = [];
    await assert.rejects(createPlugin({ wasm: WASM, pluginConfig: '{"mdoe": "monitor"}', logger: (e) => logs.push(e.message) }));
    assert.ok(
      logs.some((l) => l.includes('`mdoe` is not a known setting')),
      logs.join('\n'),
    );
  });

  test('a control plane needs gateway_id and token', async () => {
    const logs: string[] = [];
    await assert.rejects(createPlugin({ wasm: WASM, pluginConfig: '{"control_plane_cluster":"cp"}', logger: (e) => logs.push(e.message) }));
    assert.ok(
      logs.some((l) => l.includes('`gateway_id` is required')),
      logs.join('\n'),
    );
  });

  test('no control plane: built-in rules, traffic passes, requests counted', async () => {
    const plugin = await filter({});
    try {
      for (let i = 0; i < 3; i++) {
        const r = exchange(plugin, {
          path: `/v1/items/${i}?q=1`,
          response: { body: '{"ok":true}', headers: [['content-type', 'application/json']] },
        });
        assert.equal(r.localReply, undefined);
        assert.equal(r.clientStatus, 200);
        assert.equal(r.clientBody.toString(), '{"ok":true}');
      }
      assert.equal(plugin.metrics.get('palisade.requests_inspected'), 3);
      assert.equal(plugin.failed, false);
    } finally {
      await plugin.close();
    }
  });
});

describe('finding metrics', () => {
  test('each finding type counts its findings of the exchange, request and response alike', async () => {
    const plugin = await filter({});
    try {
      const body = (extra: Record<string, string>) =>
        JSON.stringify({ a: 'ana@example.com', card: '4111 1111 1111 1111', b: 'bo@example.com', ...extra });
      exchange(plugin, {
        method: 'POST',
        path: '/v1/people',
        headers: [['content-type', 'application/json']],
        body: body({}),
        response: { headers: [['content-type', 'application/json']], body: body({ c: 'cy@example.com' }) },
      });
      assert.equal(plugin.metrics.get('palisade.findings.email'), 5);
      assert.equal(plugin.metrics.get('palisade.findings.credit_card'), 2);
    } finally {
      await plugin.close();
    }
  });
});

describe('recycled events', () => {
  // filter.ts keeps the ApiEvent of a deleted exchange for the next one (ApiEvent.reset()).
  const strip = (e: Record<string, unknown>) => {
    const { id: _id, timestampMs: _t, latencyUs: _l, ...rest } = e;
    return rest;
  };
  async function reported(exchanges: Parameters<typeof exchange>[1][]): Promise<Record<string, unknown>[]> {
    const cp = new FakeControlPlane();
    const { config, options } = cpConfig(await cp.start());
    const plugin = await filter(config, options);
    try {
      await cp.waitWatch((r) => r.gateway !== undefined);
      for (const x of exchanges) exchange(plugin, x);
      const batches = await Promise.all(
        exchanges.map((x) => cp.waitBatch((b) => JSON.stringify(b).includes(`"${x!.path!.split('?')[0]}"`))),
      );
      return exchanges.map((x, i) =>
        strip((batches[i]!.events as Record<string, unknown>[]).find((e) => e.path === x!.path!.split('?')[0])!),
      );
    } finally {
      await plugin.close();
      await cp.stop();
    }
  }

  test('an exchange reports nothing of the one before it', async () => {
    const json = [['content-type', 'application/json']] as [string, string][];
    const full = {
      method: 'POST',
      path: '/v1/full?expand=items&page=2',
      headers: [
        ...json,
        ['authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln'],
        ['user-agent', 'ua/1'],
        ['x-request-id', 'r-1'],
      ] as [string, string][],
      body: JSON.stringify({ plan: 'pro', email: 'ana@example.com' }),
      upstreamAddress: '10.0.0.5:8080',
      response: { status: 201, headers: json, body: JSON.stringify({ card: '4111 1111 1111 1111', tags: ['a'] }) },
    };
    const minimal = { path: '/v1/minimal' };
    const [, after] = await reported([full, minimal]);
    const [alone] = await reported([minimal]);
    assert.ok(after!.upstreamIp === undefined && after!.params === undefined, JSON.stringify(after));
    assert.deepEqual(after, alone);
  });
});

describe('live rules over WatchRules', () => {
  const cp = new FakeControlPlane();
  let plugin: Plugin;
  before(async () => {
    const port = await cp.start();
    const { config, options } = cpConfig(port);
    plugin = await filter(config, options);
  });
  after(async () => {
    await plugin.close();
    await cp.stop();
  });

  test('the first WatchRules request names the gateway, its boot id and the held version', async () => {
    const first = await cp.waitWatch((r) => r.gateway !== undefined);
    const gateway = first.gateway as Record<string, unknown>;
    assert.equal(gateway.id, 'edge-1');
    assert.equal(gateway.kind, 'GATEWAY_KIND_DEV');
    assert.match(String(gateway.bootId), /^[0-9a-f]{32}$/);
    assert.equal(first.heldVersion, undefined); // 0: built-in rules
    assert.ok(cp.authorizations.every((a) => a === 'Bearer tok-1'));
  });

  test('a pushed BLOCK rule is applied, acknowledged and blocks the next request', async () => {
    assert.equal(exchange(plugin, { path: '/admin/users' }).localReply, undefined);
    await cp.pushWhenConnected(blockAdmin(1, { block: { status: 451, body: '{"error":"nope"}' } }));
    await cp.waitWatch((r) => r.appliedVersion === '1');
    const blocked = exchange(plugin, { path: '/admin/users' });
    assert.equal(blocked.localReply?.status, 451);
    assert.equal(Buffer.from(blocked.localReply!.body).toString(), '{"error":"nope"}');
    assert.equal(blocked.upstreamHeaders, undefined, 'a block on headers must not reach the upstream');
    assert.equal(exchange(plugin, { path: '/public' }).localReply, undefined);
    assert.equal(plugin.metrics.get('palisade.rules_version'), 1);
  });

  test('a truncated RuleSet is refused with a reason and the old rules stay', async () => {
    const good = encodeMessage('RuleSet', blockAdmin(2));
    cp.push(good.subarray(0, good.length - 3));
    const refusal = await cp.waitWatch((r) => r.rejectedVersion === '2');
    assert.match(String(refusal.rejectReason), /truncated|malformed/);
    assert.equal(exchange(plugin, { path: '/admin/x' }).localReply?.status, 451);
  });

  test('a semantically invalid RuleSet (bad CIDR) is refused', async () => {
    cp.push({ version: 3, policies: [{ id: 'p', action: 'ACTION_BLOCK', match: { clientCidrs: ['300.1.1.1/8'] } }] });
    const refusal = await cp.waitWatch((r) => r.rejectedVersion === '3');
    assert.match(String(refusal.rejectReason), /invalid CIDR/);
    assert.equal(plugin.metrics.get('palisade.rules_rejected'), 2);
    assert.equal(plugin.failed, false);
  });

  test('each exchange is reported with its verdict over the Report stream', async () => {
    exchange(plugin, { path: '/admin/reported?id=7', headers: [['x-api-key', 'k1']] });
    const batch = await cp.waitBatch((b) => JSON.stringify(b).includes('/admin/reported'));
    const events = batch.events as Record<string, unknown>[];
    const event = events.find((e) => e.path === '/admin/reported')!;
    assert.equal(batch.gatewayId, 'edge-1');
    assert.equal(event.method, 'GET');
    assert.equal(event.host, 'api.example.com');
    assert.equal(event.clientIp, '203.0.113.7');
    assert.equal(event.status, 451);
    assert.deepEqual(event.auth, { scheme: 'AUTH_SCHEME_API_KEY_HEADER', keyName: 'x-api-key' });
    assert.deepEqual(event.verdict, {
      action: 'ACTION_BLOCK',
      mode: 'MODE_ENFORCE',
      policyId: 'block-admin',
      enforced: true,
      status: 451,
      reason: 'policy:block-admin',
      direction: 'DIRECTION_REQUEST',
    });
    assert.ok((event.params as { name: string }[]).some((p) => p.name === 'id'));
    assert.equal(JSON.stringify(event).includes('k1'), false, 'credential values never leave the gateway');
    assert.equal(event.upstreamIp, undefined, 'a request blocked before routing has no destination');
  });

  test('the upstream the response came from is reported as the destination IP, without its port', async () => {
    exchange(plugin, { path: '/v1/dest-v4', upstreamAddress: '10.20.30.40:8080' });
    exchange(plugin, { path: '/v1/dest-v6', upstreamAddress: '[2001:db8::5]:443' });
    exchange(plugin, { path: '/v1/dest-none' });
    // One event per batch (batch_size 1), in order on one stream: the last one in means all are.
    await cp.waitBatch((b) => JSON.stringify(b).includes('/v1/dest-none'));
    const all = cp.batches.flatMap((b) => (b.events ?? []) as Record<string, unknown>[]);
    const byPath = (p: string) => all.find((e) => e.path === p)!;
    assert.equal(byPath('/v1/dest-v4').upstreamIp, '10.20.30.40');
    assert.equal(byPath('/v1/dest-v6').upstreamIp, '2001:db8::5');
    assert.equal(byPath('/v1/dest-none').upstreamIp, undefined, 'no upstream.address, no destination');
  });
});

// The control plane leaves unchanged detector tables out of a push (rules.proto detectors_omitted).
describe('RuleSets without their detector tables', () => {
  const cp = new FakeControlPlane();
  let plugin: Plugin;
  const builtinTables = (JSON.parse(readFileSync('apigee-sharedflow/build/builtin-rules.json', 'utf8')) as { detectorsDigest: string })
    .detectorsDigest;
  const cardBody = JSON.stringify({ payment: { card_number: '4111 1111 1111 1111' } });
  const cardsFound = (path: string) => {
    const before = plugin.metrics.get('palisade.findings.credit_card');
    exchange(plugin, { method: 'POST', path, headers: [['content-type', 'application/json']], body: cardBody });
    return plugin.metrics.get('palisade.findings.credit_card') - before;
  };
  before(async () => {
    const port = await cp.start();
    const { config, options } = cpConfig(port);
    plugin = await filter(config, options);
  });
  after(async () => {
    await plugin.close();
    await cp.stop();
  });

  test('the first WatchRules request states the detector tables held (the built-in ones)', async () => {
    assert.match(builtinTables, /^[0-9a-f]{64}$/);
    const first = await cp.waitWatch((r) => r.gateway !== undefined);
    assert.equal(first.detectorsDigest, builtinTables);
  });

  test('naming the held tables: the detectors stay and the policies apply', async () => {
    assert.ok(cardsFound('/pay/before') >= 1, 'the built-in detectors find a card');
    await cp.pushWhenConnected({ ...blockAdmin(1, { block: { status: 452 } }), detectorsDigest: builtinTables, detectorsOmitted: true });
    const ack = await cp.waitWatch((r) => r.appliedVersion === '1');
    assert.equal(ack.detectorsDigest, builtinTables);
    assert.equal(exchange(plugin, { path: '/admin/lean' }).localReply?.status, 452);
    assert.ok(cardsFound('/pay/lean') >= 1, 'the detectors held are still in force');
  });

  test('naming other tables, or none: refused, and the old rules stay', async () => {
    cp.push({ ...blockAdmin(2, { block: { status: 453 } }), detectorsDigest: 'ab'.repeat(32), detectorsOmitted: true });
    const refusal = await cp.waitWatch((r) => r.rejectedVersion === '2');
    assert.match(String(refusal.rejectReason), /detector tables omitted/);
    assert.equal(refusal.detectorsDigest, builtinTables, 'the refusal says which tables are held, so they can be sent');
    cp.push({ ...blockAdmin(3, { block: { status: 453 } }), detectorsOmitted: true });
    assert.match(String((await cp.waitWatch((r) => r.rejectedVersion === '3')).rejectReason), /detector tables omitted/);
    assert.equal(exchange(plugin, { path: '/admin/x' }).localReply?.status, 452);
    assert.ok(cardsFound('/pay/after') >= 1);
    assert.equal(plugin.failed, false);
  });

  test('after a complete RuleSet with other (here: no) tables, the built-in ones are no longer held', async () => {
    cp.push(blockAdmin(4, { block: { status: 454 } }));
    const ack = await cp.waitWatch((r) => r.appliedVersion === '4');
    assert.equal(ack.detectorsDigest, undefined, 'tables without a digest are unnamed');
    assert.equal(cardsFound('/pay/none'), 0);
    cp.push({ ...blockAdmin(5), detectorsDigest: builtinTables, detectorsOmitted: true });
    assert.match(String((await cp.waitWatch((r) => r.rejectedVersion === '5')).rejectReason), /detector tables omitted/);
    assert.equal(exchange(plugin, { path: '/admin/y' }).localReply?.status, 454);
  });
});

describe('findings of a request blocked on its headers', () => {
  test("are reported as the request's", async () => {
    const cp = new FakeControlPlane();
    const { config, options } = cpConfig(await cp.start());
    const plugin = await filter(config, options);
    try {
      const hello = await cp.waitWatch((r) => r.gateway !== undefined);
      await cp.pushWhenConnected({ ...blockAdmin(1), detectorsOmitted: true, detectorsDigest: hello.detectorsDigest });
      await cp.waitWatch((r) => r.appliedVersion === '1');
      const jwt = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl';
      assert.ok(exchange(plugin, { path: '/admin/with-jwt', headers: [['authorization', jwt]] }).localReply, 'blocked on headers');
      const batch = await cp.waitBatch((b) => JSON.stringify(b).includes('/admin/with-jwt'));
      const event = (batch.events as Record<string, unknown>[]).find((e) => e.path === '/admin/with-jwt')!;
      const findings = event.findings as { type: string; location: { direction: string; field: string } }[];
      assert.deepEqual(
        findings.map((f) => `${f.type} ${f.location.field} ${f.location.direction}`),
        ['jwt FIELD_KIND_HEADER DIRECTION_REQUEST'],
      );
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });
});

describe('enforcement', () => {
  test('a rate limit shared by two worker VMs holds the configured rate within 5%', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const c = clock();
    const { config, options } = cpConfig(port);
    const plugin = await filter(config, { ...options, workers: 2, now: c.now });
    try {
      await cp.pushWhenConnected(
        {
          version: 1,
          policies: [
            {
              id: 'rl',
              action: 'ACTION_RATE_LIMIT',
              rateLimit: { rate: 50, periodSeconds: 1, burst: 50, key: 'RATE_LIMIT_KEY_CLIENT_IP' },
            },
          ],
        },
        2,
      );
      await cp.waitWatch((r) => r.appliedVersion === '1');
      // Both workers must have the rules: each has its own WatchRules stream.
      while (cp.watchRequests.filter((r) => r.appliedVersion === '1').length < 2) await new Promise((r) => setTimeout(r, 10));
      // 4 simulated seconds at 200 requests/s spread over both workers; the limit is 50/s + 50 burst.
      let allowed = 0;
      let retryAfter = '';
      for (let i = 0; i < 800; i++) {
        if (i % 2 === 0) c.advance(10);
        const r = exchange(plugin, { worker: i % 2 });
        if (!r.localReply) allowed++;
        else {
          assert.equal(r.localReply.status, 429);
          retryAfter = new Map(r.localReply.headers).get('retry-after') ?? '';
        }
      }
      const expected = 50 + 4 * 50;
      assert.ok(Math.abs(allowed - expected) <= expected * 0.05, `allowed ${allowed}, expected ${expected} ± 5%`);
      assert.match(retryAfter, /^[1-9]\d*$/);
      // Another client has its own bucket.
      assert.equal(exchange(plugin, { clientAddress: '198.51.100.1:1' }).localReply, undefined);
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });

  test('the filter reads the time once per callback: a request and its rate-limit bucket share the read', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const c = clock();
    let reads = 0;
    const { config, options } = cpConfig(port);
    const now = () => (reads++, c.now());
    const plugin = await filter(config, { ...options, now });
    try {
      await cp.pushWhenConnected({
        version: 1,
        policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: 2, periodSeconds: 1, key: 'RATE_LIMIT_KEY_CLIENT_IP' } }],
      });
      await cp.waitWatch((r) => r.appliedVersion === '1');
      // Request headers (the start and the bucket), then on_log (latency, batch flush): two reads.
      reads = 0;
      assert.equal(exchange(plugin).localReply, undefined);
      assert.equal(reads, 2);
      // The clock still moves between callbacks: a full bucket refills a second later.
      assert.equal(exchange(plugin).localReply, undefined);
      assert.equal(exchange(plugin).localReply?.status, 429);
      c.advance(1000);
      assert.equal(exchange(plugin).localReply, undefined);
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });

  test('monitor mode records the block that would have happened and lets the request through', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const { config, options } = cpConfig(port, { mode: 'monitor' });
    const plugin = await filter(config, options);
    try {
      await cp.pushWhenConnected(blockAdmin(1));
      await cp.waitWatch((r) => r.appliedVersion === '1');
      const r = exchange(plugin, { path: '/admin/x' });
      assert.equal(r.localReply, undefined);
      assert.ok(r.upstreamHeaders);
      const batch = await cp.waitBatch((b) => JSON.stringify(b).includes('/admin/x'));
      const event = (batch.events as Record<string, unknown>[])[0]!;
      assert.deepEqual(event.verdict, {
        action: 'ACTION_BLOCK',
        mode: 'MODE_MONITOR',
        policyId: 'block-admin',
        reason: 'policy:block-admin',
        direction: 'DIRECTION_REQUEST',
      });
      assert.equal(plugin.metrics.get('palisade.verdicts.block.monitored'), 1);
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });

  test('monitor mode reports a request over its rate limit as rate-limited, its body read or not', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const { config, options } = cpConfig(port, { mode: 'monitor' });
    const plugin = await filter(config, options);
    try {
      await cp.pushWhenConnected({
        version: 1,
        policies: [
          { id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: 1, periodSeconds: 3600, burst: 1, key: 'RATE_LIMIT_KEY_CLIENT_IP' } },
        ],
      });
      await cp.waitWatch((r) => r.appliedVersion === '1');
      // The second and third requests exceed the limit; monitor mode lets them through. The third
      // has a JSON body, read and evaluated again once complete: the limit it exceeded still stands.
      const json = [['content-type', 'application/json']] as [string, string][];
      for (const [path, body] of [
        ['/rl/first', undefined],
        ['/rl/second', undefined],
        ['/rl/third', '{"note":"hello"}'],
      ] as const) {
        const r = exchange(plugin, { path, headers: json, ...(body ? { body } : {}) });
        assert.equal(r.localReply, undefined, `${path} passes in monitor mode`);
      }
      await cp.waitBatch((b) => JSON.stringify(b).includes('/rl/third'));
      const reasons = Object.fromEntries(
        cp.batches
          .flatMap((b) => b.events as { path: string; verdict?: { reason?: string } }[])
          .filter((e) => e.path.startsWith('/rl/'))
          .map((e) => [e.path, e.verdict?.reason]),
      );
      assert.deepEqual(reasons, { '/rl/first': 'within-limit', '/rl/second': 'rate-limited', '/rl/third': 'rate-limited' });
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });

  test('the fleet-wide descriptor header is set for rate-limited traffic and never taken from the client', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const { config, options } = cpConfig(port);
    const plugin = await filter(config, options);
    try {
      await cp.pushWhenConnected({
        version: 1,
        policies: [{ id: 'rl', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: 1000, key: 'RATE_LIMIT_KEY_CLIENT_IP' } }],
      });
      await cp.waitWatch((r) => r.appliedVersion === '1');
      const a = exchange(plugin, { headers: [['x-palisade-ratelimit', 'spoofed']] });
      const b = exchange(plugin, {});
      const c2 = exchange(plugin, { clientAddress: '198.51.100.9:2' });
      const da = a.upstreamHeaders?.get('x-palisade-ratelimit');
      assert.match(String(da), /^rl:[0-9a-f]+$/);
      assert.equal(da, b.upstreamHeaders?.get('x-palisade-ratelimit'), 'same client, same descriptor');
      assert.notEqual(da, c2.upstreamHeaders?.get('x-palisade-ratelimit'));
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });
});

describe('bodies', () => {
  test('a gzip-encoded body is passed through and reported uninspected with the reason', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const { config, options } = cpConfig(port);
    const plugin = await filter(config, options);
    try {
      const r = exchange(plugin, {
        path: '/gz',
        headers: [
          ['content-type', 'application/json'],
          ['content-encoding', 'gzip'],
        ],
        body: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
      });
      assert.equal(r.localReply, undefined);
      assert.equal(r.upstreamBody.length, 8);
      const batch = await cp.waitBatch((b) => JSON.stringify(b).includes('/gz'));
      const event = (batch.events as Record<string, unknown>[])[0]!;
      assert.deepEqual(event.requestShape, { contentType: 'application/json', notInspectedReason: 'content-encoding:gzip' });
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });

  test('a body past max_body_bytes is passed on whole and reported truncated', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    const { config, options } = cpConfig(port, { max_body_bytes: 1024 });
    const plugin = await filter(config, options);
    try {
      const chunk = Buffer.alloc(600, 'a');
      const r = exchange(plugin, { path: '/big', headers: [['content-type', 'text/plain']], chunks: [chunk, chunk, chunk] });
      assert.equal(r.localReply, undefined);
      assert.equal(r.upstreamBody.length, 1800);
      const batch = await cp.waitBatch((b) => JSON.stringify(b).includes('/big'));
      const event = (batch.events as Record<string, unknown>[])[0]!;
      assert.equal((event.requestShape as Record<string, unknown>).truncated, true);
    } finally {
      await plugin.close();
      await cp.stop();
    }
  });
});

describe('control plane outages', () => {
  test('requests pass while the control plane is down, drops are counted, and the filter reconnects', async () => {
    const cp = new FakeControlPlane();
    const port = await cp.start();
    await cp.stop();
    const c = clock();
    const { config, options } = cpConfig(port, { queue_size: 5, batch_size: 5 });
    const plugin = await filter(config, { ...options, now: c.now });
    try {
      for (let i = 0; i < 20; i++) {
        const r = exchange(plugin, { path: `/down/${i}` });
        assert.equal(r.localReply, undefined);
        assert.ok(r.upstreamHeaders);
      }
      // Let the failed streams report their close, then count what could not be delivered.
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 10; i++) exchange(plugin, { path: `/down/late/${i}` });
      assert.ok(plugin.metrics.get('palisade.events_dropped') > 0, 'drops are counted');
      const back = new FakeControlPlane();
      await back.start(port);
      try {
        for (let i = 0; i < 100 && back.watchRequests.length === 0; i++) {
          c.advance(1000);
          plugin.tick();
          await new Promise((r) => setTimeout(r, 20));
        }
        const hello = await back.waitWatch((r) => r.gateway !== undefined);
        assert.equal((hello.gateway as Record<string, unknown>).id, 'edge-1');
        exchange(plugin, { path: '/after-recovery' });
        for (let i = 0; i < 50 && !JSON.stringify(back.batches).includes('/after-recovery'); i++) {
          c.advance(1000);
          plugin.tick();
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(JSON.stringify(back.batches).includes('/after-recovery'), 'events flow again after recovery');
      } finally {
        await back.stop();
      }
      assert.equal(plugin.failed, false);
    } finally {
      await plugin.close();
    }
  });
});

describe('bad input never traps', () => {
  test('thousands of headers, huge values, invalid UTF-8 and odd bodies', async () => {
    const plugin = await filter({ max_body_bytes: 4096 });
    try {
      const many: [string, string][] = Array.from({ length: 1000 }, (_, i) => [`x-h-${i}`, `v${i}`]);
      exchange(plugin, { headers: many });
      exchange(plugin, { headers: [['x-big', 'a'.repeat(200_000)]] });
      exchange(plugin, { headers: [['x-bin', Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString('latin1')]], path: '/%ff%fe?\u00ff=\u00fe' });
      exchange(plugin, { headers: [['content-type', 'application/json']], body: Buffer.from([0x7b, 0xff, 0xfe, 0x22]) });
      exchange(plugin, { headers: [['content-type', 'application/json']], chunks: Array.from({ length: 200 }, () => '{"a":') });
      exchange(plugin, {
        headers: [
          ['content-type', 'application/json'],
          ['authorization', 'Bearer a.b'],
        ],
        body: '',
      });
      exchange(plugin, { headers: [['authorization', 'Bearer ' + 'x.'.repeat(5000)]] });
      exchange(plugin, { clientAddress: 'not-an-ip' });
      exchange(plugin, { response: { status: 200, headers: [['content-type', 'application/json']], body: Buffer.alloc(100_000, 0xff) } });
      assert.equal(plugin.failed, false);
      assert.equal(plugin.metrics.get('palisade.requests_inspected'), 9);
    } finally {
      await plugin.close();
    }
  });
});
