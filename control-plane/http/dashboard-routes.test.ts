// The dashboard's read routes (whoami, summary, flows, exposure, endpoint traffic) and the
// detector test box, against a real control plane on SQLite and on PostgreSQL with traffic
// ingested through POST /v1/reports; and the built dashboard served at / without path traversal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';
import { TEST_PG_URL } from '../store/testing.ts';
import { needService } from '../../test/lib/tools.ts';
import { sampleBatch } from '../insights/sample-traffic.ts';
import { endpointIdFor } from '../store/repositories.ts';

const pgSkip = await needService('PostgreSQL', '127.0.0.1', 5432);

async function call(cp: ControlPlane, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(cp.httpUrl + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read many answer shapes; each assertion checks what it needs
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: static files */
  }
  return { status: res.status, json, text, headers: res.headers };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`dashboard routes on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let cp: ControlPlane;
    let dir: string;
    let schema: string | undefined;
    let viewer: string;
    let operator: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'palisade-dash-'));
      schema = dialect === 'postgres' ? `t_${process.pid}_${randomBytes(5).toString('hex')}` : undefined;
      cp = await startControlPlane(
        {
          ...(schema ? { postgres: { url: TEST_PG_URL, schema, poolSize: 4 } } : { dataDir: dir }),
          grpc: { host: '127.0.0.1', port: 0 },
          http: { host: '127.0.0.1', port: 0 },
          log: { level: 'silent' },
        },
        { detectionEngine: EMPTY_DETECTION_ENGINE },
      );
      const gw = await cp.createToken('edge-1', 'gateway', 'edge-1');
      viewer = await cp.createToken('vera', 'viewer');
      operator = await cp.createToken('otto', 'operator');
      for (let seq = 1; seq <= 2; seq++) {
        const r = await call(cp, 'POST', '/v1/reports', gw, sampleBatch({ gatewayId: 'edge-1', sequence: seq, events: 300 }));
        assert.equal(r.status, 200, r.text);
      }
    });

    after(async () => {
      await cp?.close();
      rmSync(dir, { recursive: true, force: true });
      if (schema) {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      }
    });

    test('whoami names the token and its role; no token is 401', async () => {
      assert.deepEqual((await call(cp, 'GET', '/v1/whoami', viewer)).json, { name: 'vera', role: 'viewer' });
      assert.deepEqual((await call(cp, 'GET', '/v1/whoami', operator)).json, { name: 'otto', role: 'operator' });
      assert.equal((await call(cp, 'GET', '/v1/whoami')).status, 401);
    });

    test('summary counts the ingested traffic, findings and the gateway', async () => {
      const s = (await call(cp, 'GET', '/v1/summary', viewer)).json;
      assert.equal(s.lastHour.requests, 600);
      assert.ok(s.lastHour.blocked > 0, 'blocked requests counted');
      assert.ok(s.lastHour.findings > 0, 'findings counted');
      assert.equal(s.endpoints.total, 12);
      assert.equal(s.endpoints.internal + s.endpoints.external, 12);
      assert.ok(s.endpoints.internal >= 1, 'internal.example.net endpoints are internal');
      const exposed = s.exposureSeries.reduce((a: number, p: { findings: number }) => a + p.findings, 0);
      assert.equal(exposed, s.lastHour.findings);
      const types = s.topFindingTypes.map((t: { key: string }) => t.key);
      assert.ok(types.includes('credit_card') && types.includes('email'), types.join());
      assert.ok(
        types.every((t: string) => ['credit_card', 'email', 'us_ssn'].includes(t)),
        types.join(),
      );
      const byType = s.findingsByType.reduce(
        (a: number, b: { counts: Record<string, number> }) => a + Object.values(b.counts).reduce((x, y) => x + y, 0),
        0,
      );
      assert.equal(byType, exposed);
      assert.deepEqual(s.gateways, { total: 1, connected: 0, behind: 0 });
      assert.equal(s.rulesVersion, '0');
    });

    test('flows: client networks → gateway → APIs → endpoints, volumes add up, bad traffic counted', async () => {
      const g = (await call(cp, 'GET', '/v1/flows?windowMinutes=60', viewer)).json;
      const kinds = (k: string) => g.nodes.filter((n: { kind: string }) => n.kind === k);
      assert.equal(kinds('gateway').length, 1);
      assert.equal(kinds('api').length, 3);
      assert.equal(kinds('endpoint').length, 12);
      const bad = kinds('client').find((n: { detail?: string }) => n.detail === '8.8.8.0/24');
      assert.ok(bad, 'the 8.8.8.0/24 network is a node');
      assert.match(bad.label, /^8\.8\.8\.0\/24 · US$/);
      assert.ok(kinds('client').some((n: { detail?: string }) => n.detail === '2001:db8:1::/48'));
      const from = (id: string) => g.edges.filter((e: { from: string }) => e.from === id);
      const sum = (edges: { requests: number }[]) => edges.reduce((a, e) => a + e.requests, 0);
      assert.equal(sum(from('gateway:edge-1')), 600);
      assert.ok(from(bad.id)[0].blocked > 0);
      const endpoint = kinds('endpoint')[0];
      assert.match(endpoint.label, /^(GET|POST) \/v1\/items\d+\/\{[A-Za-z0-9]+\}$/);
      assert.equal(endpoint.id, `endpoint:${endpoint.endpointId}`);
      assert.equal(g.truncated, false);
      assert.equal((await call(cp, 'GET', '/v1/flows?windowMinutes=0', viewer)).json.code, 'PAL-REQUEST-INVALID');
    });

    test('flows: client nodes carry ASN and organisation, and group by organisation or country', async () => {
      const clients = async (grouping?: string) =>
        (await call(cp, 'GET', `/v1/flows${grouping ? `?clients=${grouping}` : ''}`, viewer)).json.nodes.filter(
          (n: { kind: string }) => n.kind === 'client',
        );
      const byNetwork = await clients();
      const google = byNetwork.find((n: { detail?: string }) => n.detail === '8.8.8.0/24');
      assert.equal(google.asn, 15169);
      assert.equal(google.org, 'Google LLC');
      assert.equal(google.country, 'US');
      assert.deepEqual(google.networks, ['8.8.8.0/24']);

      const byOrg = await clients('organisation');
      const org = byOrg.find((n: { id: string }) => n.id === 'client:AS15169');
      assert.ok(org, JSON.stringify(byOrg));
      assert.equal(org.label, 'AS15169 Google LLC');
      assert.equal(org.detail, undefined, 'an organisation is not one network');
      assert.deepEqual(org.networks, ['8.8.8.0/24']);
      const internal = byOrg.find((n: { id: string }) => n.id === 'client:internal');
      assert.equal(internal.label, 'internal networks');
      assert.ok(internal.networks.includes('10.1.2.0/24'), 'the internal group lists its networks for a mitigation');
      const sum = (ns: { requests: number }[]) => ns.reduce((a, n) => a + n.requests, 0);
      assert.equal(sum(byOrg), sum(byNetwork), 'grouping moves requests between nodes, never loses them');

      const byCountry = await clients('country');
      assert.ok(byCountry.some((n: { id: string; label: string }) => n.id === 'client:country:US' && n.label === 'US'));
      assert.equal(sum(byCountry), sum(byNetwork));
      assert.equal((await call(cp, 'GET', '/v1/flows?clients=asn', viewer)).json.code, 'PAL-REQUEST-INVALID');
    });

    test('exposure: by type, endpoint, status, client and country, with masked examples and filters', async () => {
      const x = (await call(cp, 'GET', '/v1/exposure', viewer)).json;
      const total = x.byType.reduce((a: number, r: { findings: number }) => a + r.findings, 0);
      assert.ok(total > 0);
      for (const k of ['byEndpoint', 'byStatus', 'byClient', 'byCountry'])
        assert.equal(
          x[k].reduce((a: number, r: { findings: number }) => a + r.findings, 0),
          total,
          k,
        );
      assert.deepEqual(
        x.byStatus.map((r: { key: string }) => r.key),
        ['200'],
      );
      assert.match(x.byEndpoint[0].label, /^(GET|POST) \S+\.example\.(com|net)\/v1\/items/);
      assert.ok(x.byCountry.some((r: { key: string }) => r.key === 'internal'));
      const card = x.examples.find((e: { type: string }) => e.type === 'credit_card');
      assert.equal(card.masked, '4111********1111');
      assert.equal(card.location, '$.card.number');
      assert.doesNotMatch(JSON.stringify(x), /4111111111111111/);
      const onlyEmail = (await call(cp, 'GET', '/v1/exposure?type=email', viewer)).json;
      assert.deepEqual(
        onlyEmail.byType.map((r: { key: string }) => r.key),
        ['email'],
      );
      const one = (await call(cp, 'GET', `/v1/exposure?endpointId=${encodeURIComponent(card.endpointId)}`, viewer)).json;
      assert.deepEqual([...new Set(one.examples.map((e: { endpointId: string }) => e.endpointId))], [card.endpointId]);
    });

    test('endpoint traffic: per-minute buckets of one endpoint, 404 for an unknown id', async () => {
      const flows = (await call(cp, 'GET', '/v1/flows', viewer)).json;
      const node = flows.nodes.find((n: { kind: string }) => n.kind === 'endpoint');
      const t = (await call(cp, 'GET', `/v1/endpoints/${encodeURIComponent(node.endpointId)}/traffic?windowMinutes=30`, viewer)).json;
      assert.equal(t.bucketMs, 60_000);
      assert.equal(t.series.length, 30);
      assert.equal(
        t.series.reduce((a: number, p: { requests: number }) => a + p.requests, 0),
        node.requests,
      );
      assert.ok(t.series.some((p: { latencyAvgUs: number }) => p.latencyAvgUs > 0));
      const missing = endpointIdFor({ host: 'nope.example', method: 'GET', pathTemplate: '/x' });
      assert.equal((await call(cp, 'GET', `/v1/endpoints/${missing}/traffic`, viewer)).json.code, 'PAL-ENDPOINT-NOT-FOUND');
    });
  });
}

describe('detector test box and dashboard files (SQLite)', () => {
  let cp: ControlPlane;
  let dir: string;
  let viewer: string;
  let operator: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-dash-files-'));
    const site = join(dir, 'site');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Palisade</title><div id="app"></div>');
    writeFileSync(join(site, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(join(dir, 'secret.txt'), 'outside the site');
    cp = await startControlPlane(
      {
        dataDir: join(dir, 'data'),
        grpc: { host: '127.0.0.1', port: 0 },
        http: { host: '127.0.0.1', port: 0, dashboardDir: site },
        log: { level: 'silent' },
      },
      { detectionEngine: EMPTY_DETECTION_ENGINE },
    );
    viewer = await cp.createToken('vera', 'viewer');
    operator = await cp.createToken('otto', 'operator');
  });

  after(async () => {
    await cp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a custom detector runs in the built scanner and returns masked matches with offsets', async () => {
    const detector = {
      id: 'employee_id',
      name: 'Employee id',
      pattern: 'EMP-\\d{6}',
      category: 'DATA_CATEGORY_PII',
      mask: 'MASK_STYLE_KEEP_LAST4',
    };
    const r = await call(cp, 'POST', '/v1/detectors/test', operator, { detector, sample: '{"employee":"EMP-123456","other":"EMP-12"}' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.ok, true);
    assert.equal(r.json.matches.length, 1);
    const m = r.json.matches[0];
    assert.deepEqual([m.type, m.start, m.end, m.path], ['employee_id', 13, 23, '$.employee']);
    assert.notEqual(m.text, 'EMP-123456');
    assert.match(m.text, /3456$/);
  });

  test('an invalid pattern is a result with the error path; bad bodies and viewers are refused', async () => {
    const bad = await call(cp, 'POST', '/v1/detectors/test', operator, { detector: { id: 'x_y', pattern: '(a' }, sample: 'a' });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.ok, false);
    assert.equal(bad.json.errors[0].path, '$.pattern');
    const unknown = await call(cp, 'POST', '/v1/detectors/test', operator, { detector: { id: 'x_y', patern: 'a' }, sample: 'a' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.errors[0].path, '$.detector.patern');
    assert.equal(
      (await call(cp, 'POST', '/v1/detectors/test', viewer, { detector: { id: 'x_y', pattern: 'a' }, sample: 'a' })).status,
      403,
    );
  });

  test('the app in http.dashboardDir is served at / with index.html for client routes and immutable hashed assets', async () => {
    const root = await call(cp, 'GET', '/');
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type')!, /^text\/html/);
    assert.match(root.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.match(root.text, /<title>Palisade<\/title>/);
    assert.equal((await call(cp, 'GET', '/inventory/some/route')).text, root.text);
    const js = await call(cp, 'GET', '/assets/index-abc123.js');
    assert.match(js.headers.get('content-type')!, /^text\/javascript/);
    assert.match(js.headers.get('cache-control')!, /immutable/);
    assert.equal((await call(cp, 'GET', '/assets/missing.js')).status, 404);
    assert.equal((await call(cp, 'GET', '/v1/not-a-route', viewer)).json.code, 'PAL-NOT-FOUND');
  });

  test('paths outside the site are refused, however they are encoded', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/a%00.js',
      '/%E0%A4%A',
    ]) {
      const r = await call(cp, 'GET', path);
      assert.doesNotMatch(r.text, /outside the site/, path);
      assert.ok(r.status === 400 || r.status === 404 || r.text.includes('<title>Palisade'), `${path}: ${r.status}`);
    }
  });
});
