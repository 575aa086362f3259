// GET /v1/openapi.json is a valid OpenAPI 3.1 document that describes every declared route, with
// security on every non-public route, and whose proto-derived schemas are the ones validation uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';
import { discoverRoutes } from './server.ts';

let cp: ControlPlane;
let dir: string;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; parameters: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, unknown> };
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-openapi-'));
  cp = await startControlPlane(
    { dataDir: dir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  const res = await fetch(cp.httpUrl + '/v1/openapi.json');
  assert.equal(res.status, 200);
  doc = (await res.json()) as typeof doc;
});

after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the document validates against the OpenAPI 3.1 schema', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const res = await v.validate(doc as never);
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 1)?.slice(0, 2000));
});

test('every route of the issue is described, with bearer security except the public ones', () => {
  const expected: [string, string][] = [
    ['get', '/v1/endpoints'],
    ['get', '/v1/endpoints/{id}'],
    ['get', '/v1/findings'],
    ['get', '/v1/gateways'],
    ['get', '/v1/rules'],
    ['get', '/v1/rules/versions'],
    ['get', '/v1/rules/versions/{version}'],
    ['get', '/v1/rules/diff'],
    ['post', '/v1/rules/publish'],
    ['post', '/v1/rules/rollback'],
    ['post', '/v1/reports'],
    ['get', '/v1/audit'],
    ['get', '/v1/tokens'],
    ['post', '/v1/tokens'],
  ];
  for (const [method, path] of expected) {
    const op = doc.paths[path]?.[method];
    assert.ok(op, `${method.toUpperCase()} ${path} is missing`);
    assert.deepEqual(op.security, [{ bearer: [] }], `${path} must require a bearer token`);
  }
  assert.equal(doc.paths['/v1/openapi.json']?.get?.security, undefined);
  assert.deepEqual(
    doc.paths['/v1/endpoints/{id}']!.get!.parameters.map((p) => [p.name, p.in]),
    [['id', 'path']],
  );
  assert.ok(doc.paths['/v1/rules/publish']!.post!.requestBody);
});

test('proto messages become components and references resolve', () => {
  for (const name of ['RuleSet', 'RuleSource', 'Policy', 'ReportBatch', 'ApiEvent', 'Problem', 'FieldError', 'Gateway']) {
    assert.ok(doc.components.schemas[name], `components.schemas.${name} is missing`);
  }
  const refs = JSON.stringify(doc).match(/"\$ref":"([^"]+)"/g) ?? [];
  for (const r of refs) {
    const name = /#\/components\/schemas\/([^"]+)/.exec(r)?.[1];
    assert.ok(name && doc.components.schemas[name], `dangling reference ${r}`);
  }
});

test('every discovered route is documented: an API route without an auth declaration refuses to start', async () => {
  // Every /v1 route must declare config.auth, and every declared route is in the document, so
  // the document covers every route by construction. Here: one that forgot.
  const forgetful = (app: import('fastify').FastifyInstance) => {
    app.get('/v1/forgotten', async () => ({ secret: true }));
  };
  const other = mkdtempSync(join(tmpdir(), 'palisade-openapi-'));
  try {
    await assert.rejects(
      startControlPlane(
        { dataDir: other, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } },
        { detectionEngine: EMPTY_DETECTION_ENGINE, routes: [...(await discoverRoutes()), forgetful] },
      ),
      /GET \/v1\/forgotten must declare config\.auth/,
    );
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops as Record<string, { summary?: string; responses?: Record<string, unknown> }>)) {
      assert.ok(op.summary, `${method.toUpperCase()} ${path} has a summary`);
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method.toUpperCase()} ${path} documents its responses`);
    }
  }
});

test('the endpoint list documents its sort and filter parameters', () => {
  const names = doc.paths['/v1/endpoints']!.get!.parameters.map((p) => p.name);
  for (const n of ['sort', 'order', 'class', 'q', 'search', 'sensitive', 'limit', 'cursor'])
    assert.ok(names.includes(n), `${n} is documented`);
});
