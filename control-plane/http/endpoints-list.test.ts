// GET /v1/endpoints over real HTTP: server-side sort (risk, requests, last_seen/lastSeen, path)
// with cursors that follow the sort, filters (class, q, sensitive), findings and posture on each
// item, and 400 problems for unknown sort keys, classes and cursors from another sort.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';

let cp: ControlPlane;
let dir: string;
let viewer: string;

interface Item {
  id: string;
  key: { host: string; method: string; pathTemplate: string };
  requests: string;
  lastSeenMs: string;
  riskScore: number;
  postureClass: string;
  findings: { type: string }[];
}
type Page = { items: Item[]; nextCursor: string; total: string };

const HOST = 'shop.example.com';
const now = Date.now();
// name → requests; distinct static words so each is its own endpoint.
const PATHS: [string, number][] = [
  ['alpha', 5],
  ['beta', 1],
  ['gamma', 3],
  ['delta', 4],
  ['epsilon', 2],
];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-endpoints-'));
  cp = await startControlPlane(
    {
      dataDir: dir,
      grpc: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      // The posture below is written by the test; the control plane's own evaluation (2 s after
      // traffic by default) would overwrite it mid-test on a slow machine, so it waits past the run.
      posture: { debounceMs: 600_000, maxDelayMs: 3_600_000, evaluateIntervalMs: 0 },
    },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  const gw = await cp.createToken('gw', 'gateway', 'gw-1');
  viewer = await cp.createToken('v', 'viewer');
  let id = 0;
  const events = PATHS.flatMap(([name, n], i) =>
    Array.from({ length: n }, () => ({
      id: String(++id),
      timestampMs: String(now - (PATHS.length - i) * 1000),
      host: HOST,
      method: 'GET',
      path: `/v1/${name}`,
      status: 200,
      latencyUs: 500,
      clientIp: '203.0.113.9',
      ...(name === 'gamma'
        ? {
            findings: [
              {
                type: 'email',
                category: 'DATA_CATEGORY_PII',
                severity: 'SEVERITY_MEDIUM',
                confidence: 90,
                masked: 'j***@example.com',
                location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.email' },
              },
            ],
          }
        : {}),
    })),
  );
  const res = await fetch(cp.httpUrl + '/v1/reports', {
    method: 'POST',
    headers: { authorization: `Bearer ${gw}`, 'content-type': 'application/json' },
    body: JSON.stringify({ gatewayId: 'gw-1', bootId: 'b', sequence: '1', sentAtMs: String(now), events }),
  });
  assert.equal(res.status, 200, await res.text());
  // What posture evaluation writes back (control-plane/posture calls recordPosture).
  await cp.store.endpoints.recordPosture([
    { key: { host: HOST, method: 'GET', pathTemplate: '/v1/beta' }, riskScore: 90, classes: ['shadow'] },
    { key: { host: HOST, method: 'GET', pathTemplate: '/v1/delta' }, riskScore: 60, classes: ['zombie', 'orphaned'] },
    { key: { host: HOST, method: 'GET', pathTemplate: '/v1/gamma' }, riskScore: 75, classes: [] },
  ]);
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(query: string): Promise<{ status: number; json: Page & { code?: string; errors?: { path: string }[] } }> {
  const res = await fetch(`${cp.httpUrl}/v1/endpoints${query}`, { headers: { authorization: `Bearer ${viewer}` } });
  return { status: res.status, json: (await res.json()) as Page };
}

async function allPaths(query: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '';
  do {
    const { status, json } = await get(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(status, 200, JSON.stringify(json));
    out.push(...json.items.map((e) => e.key.pathTemplate.slice(4)));
    cursor = json.nextCursor;
  } while (cursor);
  return out;
}

test('sorts server-side and pages in that order', async () => {
  assert.deepEqual(await allPaths('?sort=risk'), ['beta', 'gamma', 'delta', ...(await unscoredByIdDesc())]);
  assert.deepEqual(await allPaths('?sort=requests&order=desc'), ['alpha', 'delta', 'gamma', 'epsilon', 'beta']);
  assert.deepEqual(await allPaths('?sort=requests&order=asc'), ['beta', 'epsilon', 'gamma', 'delta', 'alpha']);
  assert.deepEqual(await allPaths('?sort=path'), ['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
  assert.deepEqual(await allPaths('?sort=last_seen&order=asc'), await allPaths('?sort=lastSeen&order=asc'), 'lastSeen is an alias');
});

/** Endpoints without a risk score tie at 0: descending order breaks the tie by id, descending. */
async function unscoredByIdDesc(): Promise<string[]> {
  const { json } = await get('?sort=id&order=desc&limit=100');
  return json.items.filter((e) => e.riskScore === 0).map((e) => e.key.pathTemplate.slice(4));
}

test('filters by class, q and sensitive, and each item carries posture and findings', async () => {
  const shadow = await get('?class=shadow');
  assert.equal(shadow.json.total, '1');
  assert.equal(shadow.json.items[0]!.postureClass, 'shadow');
  const orphaned = await get('?class=orphaned');
  assert.equal(orphaned.json.items[0]!.postureClass, 'zombie', 'the most urgent class is shown when several apply');
  assert.equal((await get('?class=known')).json.total, '3');
  const sensitive = await get('?sensitive=true');
  assert.deepEqual(
    sensitive.json.items.map((e) => [e.key.pathTemplate, e.findings.map((f) => f.type), e.riskScore]),
    [['/v1/gamma', ['email'], 75]],
  );
  assert.equal((await get('?sensitive=false')).json.total, '4');
  assert.equal((await get('?q=ALPH')).json.items[0]!.key.pathTemplate, '/v1/alpha');
  assert.equal((await get('?search=ALPH')).json.total, '1');
  assert.equal((await get('?q=GAM&sort=risk&class=known&sensitive=true')).json.total, '1', 'filters combine');
  assert.equal((await get('?class=shadow&sensitive=true')).json.total, '0');
});

test('bad parameters are 400 problems naming the parameter', async () => {
  const sort = await get('?sort=popularity');
  assert.equal(sort.status, 400);
  assert.equal(sort.json.code, 'PAL-REQUEST-INVALID');
  assert.equal(sort.json.errors?.[0]?.path, '$query.sort');
  assert.equal((await get('?class=ghost')).json.errors?.[0]?.path, '$query.class');
  assert.equal((await get('?sensitive=maybe')).json.errors?.[0]?.path, '$query.sensitive');
  assert.equal((await get('?q=a&search=b')).json.errors?.[0]?.path, '$query.q');
  const first = await get('?sort=risk&limit=1');
  const wrong = await get(`?sort=path&cursor=${first.json.nextCursor}`);
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.code, 'PAL-REQUEST-CURSOR');
  assert.equal((await get('?cursor=%27%3B%20DROP%20TABLE%20endpoints')).json.code, 'PAL-REQUEST-CURSOR');
});
