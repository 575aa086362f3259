// The REST API over a real port (SQLite store in a temp dir): auth and roles, rules publish /
// rollback / diff / ETag, tokens, audit, and bad input — each error a problem document with a code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';

let cp: ControlPlane;
let dir: string;
const tokens: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-api-'));
  cp = await startControlPlane(
    {
      dataDir: dir,
      grpc: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024 },
      log: { level: 'silent' },
    },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = await cp.createToken(`${role}-1`, role);
  tokens.gateway = await cp.createToken('gw-1', 'gateway', 'gw-1');
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(cp.httpUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function assertProblem(r: { status: number; headers: Headers; json?: Record<string, unknown> }, status: number, code: string) {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal(r.json?.code, code);
  assert.equal(r.json?.type, `https://palisade.dev/problems/${code}`);
  assert.equal(r.json?.status, status);
}

const goodSource = {
  policies: [
    {
      id: 'rl-login',
      action: 'ACTION_RATE_LIMIT',
      rateLimit: { rate: 5, key: 'RATE_LIMIT_KEY_CLIENT_IP' },
      match: { paths: ['/login'], methods: ['POST'] },
    },
  ],
};

test('GET /v1/rules without a token is 401, with an unknown token 401, and names the scheme', async () => {
  const none = await call('GET', '/v1/rules');
  assertProblem(none, 401, 'PAL-AUTH-UNAUTHENTICATED');
  assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
  assertProblem(await call('GET', '/v1/rules', { token: 'pal_not-a-real-token' }), 401, 'PAL-AUTH-UNAUTHENTICATED');
  assertProblem(await call('GET', '/v1/rules', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'PAL-AUTH-UNAUTHENTICATED');
});

test('a viewer cannot publish (403) and a gateway token cannot list versions (403)', async () => {
  assertProblem(await call('POST', '/v1/rules/publish', { token: tokens.viewer, body: { source: goodSource } }), 403, 'PAL-AUTH-FORBIDDEN');
  assertProblem(await call('GET', '/v1/rules/versions', { token: tokens.gateway }), 403, 'PAL-AUTH-FORBIDDEN');
  assertProblem(await call('GET', '/v1/tokens', { token: tokens.operator }), 403, 'PAL-AUTH-FORBIDDEN');
});

test('publish → GET /v1/rules with ETag → 304 on If-None-Match → rollback → diff → audit', async () => {
  const v0 = await call('GET', '/v1/rules', { token: tokens.gateway });
  assert.equal(v0.status, 200);
  assert.equal(v0.json?.version, undefined, 'version 0 is a default and omitted in canonical JSON');

  const pub = await call('POST', '/v1/rules/publish', {
    token: tokens.operator,
    body: { source: goodSource, comment: 'login limit', expectedVersion: 0 },
  });
  assert.equal(pub.status, 201, JSON.stringify(pub.json));
  const version = Number(pub.json?.version);
  assert.ok(version >= 1);
  assert.equal(pub.json?.publishedBy, 'operator-1');

  const current = await call('GET', '/v1/rules', { token: tokens.viewer });
  assert.equal(current.status, 200);
  assert.equal(current.json?.version, String(version));
  const etag = current.headers.get('etag')!;
  assert.equal(etag, `"${current.json?.digest}"`);
  const policies = current.json?.policies as { id: string; rateLimit: { burst: number } }[];
  assert.equal(policies[0]!.id, 'rl-login');
  assert.equal(policies[0]!.rateLimit.burst, 5);

  const cached = await call('GET', '/v1/rules', { token: tokens.gateway, headers: { 'if-none-match': etag } });
  assert.equal(cached.status, 304);
  assert.equal((await call('GET', '/v1/rules', { token: tokens.gateway, headers: { 'if-none-match': '"other"' } })).status, 200);

  const stale = await call('POST', '/v1/rules/publish', {
    token: tokens.operator,
    body: { source: {}, expectedVersion: version - 1 || 99 },
  });
  assertProblem(stale, 409, 'PAL-RULES-CONFLICT');

  const second = await call('POST', '/v1/rules/publish', {
    token: tokens.operator,
    body: { source: { ...goodSource, disabledDetectors: [], settings: { samplePercent: 10 } } },
  });
  assert.equal(second.status, 201);
  const rb = await call('POST', '/v1/rules/rollback', { token: tokens.operator, body: { toVersion: version, comment: 'undo' } });
  assert.equal(rb.status, 201);
  assert.equal(rb.json?.rolledBackFrom, String(version));
  assert.equal(Number(rb.json?.version), version + 2);
  const afterRollback = await call('GET', '/v1/rules', { token: tokens.gateway, headers: { 'if-none-match': etag } });
  assert.equal(afterRollback.status, 304, 'the same behaviour keeps the same ETag');

  const diff = await call('GET', `/v1/rules/diff?from=${version}&to=${version + 1}`, { token: tokens.viewer });
  assert.equal(diff.status, 200);
  assert.deepEqual(diff.json?.changes, [
    { op: 'add', path: '$.disabledDetectors', to: [] },
    { op: 'add', path: '$.settings', to: { samplePercent: 10 } },
  ]);

  const list = await call('GET', '/v1/rules/versions?limit=2', { token: tokens.viewer });
  assert.equal((list.json?.items as unknown[]).length, 2);
  assert.ok(list.json?.nextCursor);
  const page2 = await call('GET', `/v1/rules/versions?limit=2&cursor=${list.json?.nextCursor}`, { token: tokens.viewer });
  assert.equal((page2.json?.items as { version: string }[])[0]!.version, String(version));

  const one = await call('GET', `/v1/rules/versions/${version}`, { token: tokens.viewer });
  assert.deepEqual(one.json?.source, goodSource);
  assertProblem(await call('GET', '/v1/rules/versions/9999', { token: tokens.viewer }), 404, 'PAL-RULES-VERSION-NOT-FOUND');

  const audit = await call('GET', '/v1/audit?action=rules.rollback', { token: tokens.operator });
  const entries = audit.json?.items as { actor: string; target: string; role: string }[];
  assert.equal(entries.length, 1);
  assert.deepEqual([entries[0]!.actor, entries[0]!.role, entries[0]!.target], ['operator-1', 'operator', `rules/${version + 2}`]);
});

test('an invalid rule source returns every error with its JSON path (422)', async () => {
  const r = await call('POST', '/v1/rules/publish', {
    token: tokens.operator,
    body: {
      source: {
        policies: [
          { id: 'a', action: 'ACTION_RATE_LIMIT', rateLimit: { burst: 1 } },
          { id: 'a', action: 'ACTION_LOG', match: { clientCidrs: ['10.0.0.0/33'], findingTypes: ['nope'] } },
        ],
      },
    },
  });
  assertProblem(r, 422, 'PAL-RULES-INVALID');
  const paths = (r.json?.errors as { path: string }[]).map((e) => e.path).sort();
  assert.deepEqual(paths, [
    '$.policies[0].rateLimit.key',
    '$.policies[0].rateLimit.rate',
    '$.policies[1].id',
    '$.policies[1].match.clientCidrs[0]',
    '$.policies[1].match.findingTypes[0]',
  ]);
  const dry = await call('POST', '/v1/rules/validate', { token: tokens.operator, body: { source: { policies: [{ id: 'x' }] } } });
  assert.deepEqual(dry.json, {
    valid: false,
    errors: [{ path: '$.policies[0].action', message: 'is required (ACTION_LOG, ACTION_RATE_LIMIT or ACTION_BLOCK)' }],
  });
});

test('bad input: invalid JSON, wrong media type, schema errors, huge bodies, bad cursors, unknown routes', async () => {
  assertProblem(await call('POST', '/v1/rules/publish', { token: tokens.operator, raw: '{"source": {' }), 400, 'PAL-REQUEST-JSON');
  assertProblem(
    await call('POST', '/v1/rules/publish', { token: tokens.operator, raw: 'source=1', headers: { 'content-type': 'text/plain' } }),
    415,
    'PAL-REQUEST-MEDIA-TYPE',
  );
  const schema = await call('POST', '/v1/rules/publish', { token: tokens.operator, body: { sauce: {} } });
  assertProblem(schema, 400, 'PAL-REQUEST-INVALID');
  assert.deepEqual((schema.json?.errors as { path: string }[]).map((e) => e.path).sort(), ['$.sauce', '$.source']);
  const huge = await call('POST', '/v1/rules/publish', { token: tokens.operator, body: { source: {}, comment: 'x'.repeat(100 * 1024) } });
  assertProblem(huge, 413, 'PAL-REQUEST-TOO-LARGE');
  assertProblem(await call('GET', '/v1/audit?cursor=bm9wZQ', { token: tokens.operator }), 400, 'PAL-REQUEST-CURSOR');
  assertProblem(await call('GET', '/v1/rules/versions?limit=0', { token: tokens.viewer }), 400, 'PAL-REQUEST-INVALID');
  assertProblem(await call('GET', '/v1/nothing-here', { token: tokens.viewer }), 404, 'PAL-NOT-FOUND');
});

test('SQL-looking input is stored and returned as data', async () => {
  const name = "x'); DROP TABLE api_tokens; --";
  const created = await call('POST', '/v1/tokens', { token: tokens.admin, body: { name, role: 'viewer' } });
  assert.equal(created.status, 201);
  const endpoints = await call('GET', `/v1/endpoints?search=${encodeURIComponent("' OR 1=1 --")}`, { token: tokens.viewer });
  assert.equal(endpoints.status, 200);
  assert.deepEqual(endpoints.json?.items, []);
  const list = await call('GET', '/v1/tokens?limit=1000', { token: tokens.admin });
  assert.ok((list.json?.items as { name: string }[]).some((t) => t.name === name));
});

test('tokens: created once in clear, usable, revocable (then 401), and audited', async () => {
  const created = await call('POST', '/v1/tokens', { token: tokens.admin, body: { name: 'ci', role: 'operator' } });
  assert.equal(created.status, 201);
  const token = created.json?.token as string;
  const id = (created.json?.record as { id: string }).id;
  assert.match(token, /^pal_[A-Za-z0-9_-]{43}$/);
  assert.equal((await call('GET', '/v1/audit', { token })).status, 200);
  assert.equal((await call('DELETE', `/v1/tokens/${id}`, { token: tokens.admin })).status, 200);
  assertProblem(await call('GET', '/v1/audit', { token }), 401, 'PAL-AUTH-UNAUTHENTICATED');
  assertProblem(await call('DELETE', '/v1/tokens/tok_nope', { token: tokens.admin }), 404, 'PAL-TOKEN-NOT-FOUND');
  const gw = await call('POST', '/v1/tokens', { token: tokens.admin, body: { name: 'gw', role: 'gateway' } });
  assertProblem(gw, 400, 'PAL-REQUEST-INVALID');
  const audit = await call('GET', '/v1/audit?action=token.revoke', { token: tokens.admin });
  assert.equal((audit.json?.items as { target: string }[])[0]!.target, `tokens/${id}`);
  assert.doesNotMatch(JSON.stringify((await call('GET', '/v1/tokens', { token: tokens.admin })).json), /pal_/);
});

test('every response carries a request id, echoing a well-formed one', async () => {
  const r = await fetch(cp.httpUrl + '/healthz', { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(r.headers.get('x-request-id'), 'abc-123');
  const r2 = await fetch(cp.httpUrl + '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
  assert.match(r2.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});
