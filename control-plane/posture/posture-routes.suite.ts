// Posture in the running control plane, over real HTTP, on SQLite or PostgreSQL: traffic reported by
// a gateway becomes a generated OpenAPI document, an uploaded spec turns it into violations and
// classes, risk is explained and custom factors apply at once, and every change is an event the
// scheduler records without being asked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { validateOpenApi } from './openapi-validate.ts';
import { eventually, startTestPlane, type Dialect, type TestPlane } from './testing-http.ts';

const HOST = 'shop.example.com';
const SPEC_YAML = `openapi: 3.0.3
info: { title: Shop, version: '1.0' }
servers: [{ url: 'https://${HOST}' }]
paths:
  /v1/orders/{orderId}:
    get:
      parameters: [{ name: orderId, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
  /v1/legacy/report:
    get:
      responses: { '200': { description: ok } }
`;

const card = {
  type: 'credit_card',
  category: 'DATA_CATEGORY_PCI',
  severity: 'SEVERITY_HIGH',
  confidence: 90,
  masked: '4111********1111',
  valueHash: Buffer.from('0102030405060708', 'hex').toString('base64'),
  location: { direction: 'DIRECTION_RESPONSE', field: 'FIELD_KIND_BODY', jsonPath: '$.card' },
};
const ev = (method: string, path: string, status: number, extra: Record<string, unknown> = {}) => ({
  host: HOST,
  method,
  path,
  status,
  ...extra,
});
const TRAFFIC = [
  ev('GET', '/v1/orders/1234', 200, { findings: [card], auth: { scheme: 'AUTH_SCHEME_BEARER' } }),
  ev('GET', '/v1/orders/5678', 200, { auth: { scheme: 'AUTH_SCHEME_BEARER' } }),
  ev('GET', '/v1/orders/9012', 404, { auth: { scheme: 'AUTH_SCHEME_BEARER' } }),
  ev('POST', '/v1/orders/1234', 201),
  ev('POST', '/v1/orders/5678', 201),
  ev('GET', '/v1/admin/debug', 500),
];

/** The suite, run once per store by posture-routes.<dialect>.test.ts (one file each keeps files fast). */
export function postureRoutesSuite(dialect: Dialect): void {
  describe(`posture routes on ${dialect}`, () => {
    let t: TestPlane;
    const get = (path: string) => t.call('GET', path, t.tokens.viewer);
    const endpointId = async (method: string, pathTemplate: RegExp): Promise<string> => {
      const items = (await get('/v1/endpoints?limit=100')).json.items as { id: string; key: { method: string; pathTemplate: string } }[];
      const e = items.find((x) => x.key.method === method && pathTemplate.test(x.key.pathTemplate));
      assert.ok(e, `no endpoint ${method} ${pathTemplate}`);
      return e.id;
    };

    before(async () => {
      t = await startTestPlane(dialect, { debounceMs: 20, maxDelayMs: 200 });
      await t.report(TRAFFIC);
    });
    after(async () => t?.close());

    test('the generated OpenAPI of a host is valid 3.1, in JSON and YAML, and an unknown host is a 404', async () => {
      const json = await get(`/v1/openapi/${HOST}`);
      assert.equal(json.status, 200);
      assert.equal(json.json.openapi, '3.1.0');
      const paths = Object.keys(json.json.paths as object);
      assert.ok(
        paths.some((p) => /^\/v1\/orders\/\{[A-Za-z]+\}$/.test(p)),
        paths.join(),
      );
      const valid = await validateOpenApi(json.json);
      assert.equal(valid.valid, true, valid.errors.join('\n'));
      const yaml = await get(`/v1/openapi/${HOST}?format=yaml`);
      assert.match(yaml.headers.get('content-type') ?? '', /yaml/);
      assert.deepEqual(parseYaml(yaml.text), json.json);
      assert.equal((await get('/v1/openapi/nowhere.example')).json.code, 'PAL-POSTURE-NOT-FOUND');
      const merged = await get('/v1/openapi/nowhere.example?merge=true');
      assert.deepEqual(merged.json.paths, json.json.paths);
      assert.equal((await get('/v1/openapi')).json.openapi, '3.1.0');
    });

    test('bad specs are refused with a clear problem and nothing is stored', async () => {
      const before = ((await get('/v1/specs')).json.items as unknown[]).length;
      const notYaml = await t.call('POST', '/v1/specs?name=broken', t.tokens.operator, 'openapi: [unclosed', 'application/yaml');
      assert.equal(notYaml.status, 422);
      assert.equal(notYaml.json.code, 'PAL-SPEC-PARSE');
      const remote = SPEC_YAML.replace(
        '{ name: orderId, in: path, required: true, schema: { type: string } }',
        "{ $ref: 'https://evil.example/p.yaml#/id' }",
      );
      const r = await t.call('POST', '/v1/specs?name=remote', t.tokens.operator, remote, 'application/yaml');
      assert.equal(r.status, 422);
      assert.equal(r.json.code, 'PAL-SPEC-REMOTE-REF');
      const v = await t.call('POST', '/v1/specs', t.tokens.operator, { swagger: '1.2', info: {} });
      assert.equal(v.json.code, 'PAL-SPEC-VERSION');
      const invalid = await t.call('POST', '/v1/specs', t.tokens.operator, {
        openapi: '3.1.0',
        info: { title: 'x' },
        paths: { 'no-slash': 5 },
      });
      assert.equal(invalid.json.code, 'PAL-SPEC-INVALID');
      const huge = await t.call(
        'POST',
        '/v1/specs',
        t.tokens.operator,
        `{"openapi":"3.1.0","x":"${'a'.repeat(10 * 1024 * 1024)}"}`,
        'application/json',
      );
      assert.equal(huge.status, 413);
      assert.equal(((await get('/v1/specs')).json.items as unknown[]).length, before);
      assert.equal((await t.call('POST', '/v1/specs', t.tokens.viewer, SPEC_YAML)).status, 403);
    });

    test('an uploaded spec yields violations with evidence, shadow and orphaned classes', async () => {
      const up = await t.call('POST', `/v1/specs?name=shop`, t.tokens.operator, SPEC_YAML, 'application/yaml');
      assert.equal(up.status, 201, up.text);
      assert.equal(up.json.specVersion, '3.0');
      const id = up.json.id as string;
      assert.equal((await get(`/v1/specs/${id}?source=true`)).json.source, SPEC_YAML);

      const all = await get('/v1/conformance');
      const kinds = (all.json.items as { kind: string; method: string; count: number; firstSeenMs: number; endpointId: string }[]).map(
        (v) => `${v.method} ${v.kind}`,
      );
      assert.ok(kinds.includes('POST undocumented-method'), kinds.join());
      assert.ok(kinds.includes('GET undocumented-status'), kinds.join());
      const method = await get('/v1/conformance?kind=undocumented-method&limit=1');
      const v = (
        method.json.items as {
          count: number;
          firstSeenMs: number;
          endpointId: string;
          spec: string;
          example: { status: number; clientIp: string; ts: number };
        }[]
      )[0]!;
      assert.equal(v.count, 2);
      assert.deepEqual({ status: v.example.status, clientIp: v.example.clientIp }, { status: 201, clientIp: '203.0.113.9' });
      assert.equal(v.spec, 'shop');
      assert.ok(v.firstSeenMs > 0);
      assert.equal((await get(`/v1/endpoints/${v.endpointId}/violations`)).json.items instanceof Array, true);

      const shadow = await get('/v1/posture/classes?class=shadow');
      const shadowPaths = (shadow.json.items as { path: string; classes: { reason: string; detail: string }[] }[]).map((c) => c.path);
      assert.ok(shadowPaths.includes('/v1/admin/debug'), shadowPaths.join());
      const orphaned = await get('/v1/posture/classes?class=orphaned');
      const never = (orphaned.json.items as { path: string; observed: boolean; classes: { reason: string }[] }[]).find(
        (c) => c.path === '/v1/legacy/report',
      );
      assert.ok(never && !never.observed && never.classes[0]!.reason === 'never-called');

      const summary = await get('/v1/posture/summary');
      assert.ok((summary.json.classes as { shadow: number }).shadow >= 1);
    });

    test('owners and tags are set through the API and lift the no-owner class', async () => {
      const id = await endpointId('GET', /^\/v1\/admin\/debug$/);
      const before = await get(`/v1/endpoints/${id}/posture`);
      assert.ok((before.json.classes as { reason: string }[]).some((c) => c.reason === 'no-owner'));
      const patched = await t.call('PATCH', `/v1/endpoints/${id}`, t.tokens.operator, { owner: 'team-payments', tags: ['pci'] });
      assert.deepEqual(patched.json, { id, owner: 'team-payments', tags: ['pci'] });
      const after = await get(`/v1/endpoints/${id}/posture`);
      assert.equal(after.json.owner, 'team-payments');
      assert.ok(!(after.json.classes as { reason: string }[]).some((c) => c.reason === 'no-owner'));
      assert.equal((await t.call('PATCH', `/v1/endpoints/${id}`, t.tokens.operator, { owner: 'x', colour: 'red' })).status, 400);
      assert.equal((await t.call('PATCH', '/v1/endpoints/ep_nope', t.tokens.operator, { owner: 'x' })).json.code, 'PAL-ENDPOINT-NOT-FOUND');
    });

    test('risk is explained per endpoint, and a custom factor applies at once as a new version', async () => {
      const orders = await endpointId('GET', /^\/v1\/orders\/\{[A-Za-z]+\}$/);
      const risk = await get(`/v1/endpoints/${orders}/risk`);
      assert.ok((risk.json.score as number) > 0);
      assert.ok(
        (risk.json.factors as { id: string }[]).some((f) => f.id === 'sensitive-data'),
        JSON.stringify(risk.json),
      );

      const admin = await endpointId('GET', /^\/v1\/admin\/debug$/);
      const beforeScore = (await get(`/v1/endpoints/${admin}/risk`)).json.score as number;
      const factors = await get('/v1/risk/factors');
      const version = factors.json.version as number;
      assert.ok((factors.json.items as { builtIn: boolean }[]).some((f) => f.builtIn));
      const bad = await t.call('POST', '/v1/risk/factors', t.tokens.operator, {
        id: 'admin-paths',
        category: 'business',
        name: 'Admin',
        weight: 20,
        condition: { attr: 'nope', op: 'eq', value: 1 },
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.code, 'PAL-RISK-MODEL-INVALID');
      const saved = await t.call('POST', '/v1/risk/factors', t.tokens.operator, {
        id: 'admin-paths',
        category: 'business',
        name: 'Admin paths',
        weight: 20,
        condition: JSON.stringify({ attr: 'path', op: 'contains', value: '/admin' }),
      });
      assert.equal(saved.status, 200, saved.text);
      assert.equal(saved.json.version, version + 1);
      assert.equal(saved.json.id, 'admin-paths');
      assert.equal(saved.json.builtIn, false);
      const after = await get(`/v1/endpoints/${admin}/risk`);
      const custom = (after.json.factors as { id: string; points: number; custom: boolean }[]).find((f) => f.id === 'admin-paths');
      assert.ok(custom?.custom && custom.points === 20, JSON.stringify(after.json));
      assert.equal(after.json.score, Math.min(100, beforeScore + 20));
      assert.equal(after.json.modelVersion, version + 1);

      const put = await t.call('PUT', '/v1/risk/factors', t.tokens.operator, {
        custom: [],
        weights: { 'sensitive-data': 10 },
        expectedVersion: version + 1,
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.version, version + 2);
      assert.ok(!(put.json.items as { id: string }[]).some((f) => f.id === 'admin-paths'));
      const stale = await t.call('PUT', '/v1/risk/factors', t.tokens.operator, { custom: [], expectedVersion: version });
      assert.equal(stale.json.code, 'PAL-RISK-MODEL-INVALID');
      const versions = (await get('/v1/risk/versions')).json.items as { version: number; actor: string }[];
      assert.equal(versions[0]!.version, version + 2);
      assert.equal(versions[0]!.actor, 'ops');
      assert.equal((await t.call('DELETE', '/v1/risk/factors/admin-paths', t.tokens.operator)).status, 404);
      const audit = await t.call('GET', '/v1/audit?action=risk.change', t.tokens.operator);
      assert.deepEqual((audit.json.items as { actor: string; target: string }[]).map((e) => [e.actor, e.target]).slice(0, 2), [
        ['ops', `risk/models/${version + 2}`],
        ['ops', `risk/models/${version + 1}`],
      ]);
    });

    test('the scheduler records changes after traffic, listed with filters and cursor, exported as CSV and JSON Lines', async () => {
      await t.report([ev('GET', '/v1/brand-new/thing', 200)]);
      // Nothing reads posture here: only the scheduler can have recorded the new endpoint.
      const change = await eventually(async () => {
        const items = (await get('/v1/posture/changes?kind=endpoint-new&limit=100')).json.items as {
          path: string;
          endpointId: string;
          atMs: number;
        }[];
        return items.find((c) => c.path === '/v1/brand-new/thing');
      });
      assert.match(change.endpointId, /^ep_/);
      const page1 = await get('/v1/posture/changes?limit=1');
      assert.equal((page1.json.items as unknown[]).length, 1);
      const page2 = await get(`/v1/posture/changes?limit=1&cursor=${encodeURIComponent(page1.json.nextCursor as string)}`);
      assert.notDeepEqual(page2.json.items, page1.json.items);
      assert.equal((await get('/v1/posture/changes?cursor=garbage')).status, 400);
      assert.equal((await get('/v1/posture/changes?since=yesterday')).status, 400);
      const future = await get(`/v1/posture/changes?since=${new Date(Date.now() + 3_600_000).toISOString()}`);
      assert.deepEqual(future.json.items, []);
      const sensitive = await get('/v1/posture/changes?kind=sensitive-data-new');
      assert.ok((sensitive.json.items as { summary: string }[]).some((c) => c.summary.includes('credit_card')));

      const csv = await get('/v1/posture/changes/export?format=csv&kind=endpoint-new');
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="posture-changes-.*\.csv"/);
      const lines = csv.text.trim().split('\r\n');
      assert.equal(lines[0], 'id,at,kind,severity,host,method,path,summary,dedupKey,resolves');
      assert.ok(lines.slice(1).every((l) => l.includes(',endpoint-new,')));
      const jsonl = await get('/v1/posture/changes/export?format=jsonl&kind=endpoint-new');
      const rows = jsonl.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string });
      assert.equal(rows.length, lines.length - 1);
      assert.equal((await get('/v1/posture/changes/export?format=xml')).status, 400);
    });

    test('deleting a spec re-evaluates without it', async () => {
      const specs = (await get('/v1/specs')).json.items as { id: string }[];
      for (const s of specs) assert.equal((await t.call('DELETE', `/v1/specs/${s.id}`, t.tokens.operator)).status, 204);
      assert.equal((await t.call('DELETE', '/v1/specs/nope', t.tokens.operator)).json.code, 'PAL-POSTURE-NOT-FOUND');
      const left = await get('/v1/conformance');
      assert.deepEqual(left.json.items, [], JSON.stringify({ specs, after: (await get('/v1/specs')).json }));
      assert.deepEqual((await get('/v1/posture/classes?class=shadow')).json.items, []);
    });
  });
}
