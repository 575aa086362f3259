import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConformance, toFindingsList } from './conformance.ts';
import type { InventoryEndpoint } from './model.ts';
import { parseSpec } from './spec-parse.ts';

const SPEC = `
openapi: 3.1.0
info: { title: Shop, version: '2' }
components:
  securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } }
security: [{ bearer: [] }]
paths:
  /v1/orders/{id}:
    get:
      deprecated: true
      responses: { '200': { description: ok } }
  /v2/orders/{orderId}:
    get:
      parameters:
        - { name: expand, in: query, schema: { type: string } }
        - { name: x-tenant, in: header, required: true, schema: { type: string } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: string, format: uuid }
                  total: { type: number }
                  note: { type: [string, 'null'] }
        '404': { description: missing }
  /users/me:
    get: { responses: { '200': { description: ok } } }
  /users/{name}:
    get: { responses: { '200': { description: ok } } }
  /health:
    get: { security: [], responses: { default: { description: any } } }
`;

const T0 = Date.UTC(2026, 0, 1);
function ep(method: string, path: string, over: Partial<InventoryEndpoint> = {}): InventoryEndpoint {
  return {
    host: 'shop.example.com',
    method,
    path,
    count: 10,
    firstSeen: T0,
    lastSeen: T0 + 1000,
    statusCounts: { '200': 10 },
    params: [],
    requestBodies: [],
    responses: {},
    auth: [{ scheme: 'jwt', count: 10 }],
    findings: [],
    ...over,
  };
}

test('every violation kind is found, with counts and the spec path as evidence', async () => {
  const spec = await parseSpec(SPEC, { name: 'shop.yaml' });
  const endpoints = [
    ep('GET', '/v2/orders/{orderId}', {
      count: 20,
      statusCounts: { '200': 15, '404': 3, '500': 2 },
      params: [
        { name: 'orderId', in: 'path', seen: 20, types: { string: 20 } },
        { name: 'expand', in: 'query', seen: 4, types: { string: 4 } },
        { name: 'debug', in: 'query', seen: 2, types: { boolean: 2 } },
        { name: 'x-tenant', in: 'header', seen: 17, types: { string: 17 } },
        { name: 'accept', in: 'header', seen: 20, types: { string: 20 } },
      ],
      responses: {
        '200': [
          {
            contentType: 'application/json',
            count: 15,
            fields: [
              { path: '$.id', seen: 15, types: { string: 15 }, formats: { uuid: 1 } },
              { path: '$.total', seen: 15, types: { string: 5, integer: 10 } },
              { path: '$.note', seen: 15, types: { null: 15 } },
              { path: '$.extra', seen: 15, types: { string: 15 } },
            ],
          },
        ],
      },
      auth: [
        { scheme: 'jwt', count: 12 },
        { scheme: 'basic', count: 5 },
        { scheme: 'none', count: 3 },
      ],
    }),
    ep('DELETE', '/v2/orders/{orderId}'),
    ep('GET', '/v1/orders/{orderId}'),
    ep('GET', '/internal/debug'),
    ep('GET', '/users/me'),
    ep('GET', '/health', { auth: [{ scheme: 'none', count: 10 }] }),
  ];
  const report = checkConformance(endpoints, [spec], { now: T0 });
  const found = toFindingsList(report)
    .map((f) => `${f.kind} ${f.method} ${f.path} ${f.count}`)
    .sort();
  assert.deepEqual(found, [
    'auth-mismatch GET /v2/orders/{orderId} 3',
    'auth-mismatch GET /v2/orders/{orderId} 5',
    'missing-required-param GET /v2/orders/{orderId} 3',
    'shadow GET /internal/debug 10',
    'type-mismatch GET /v2/orders/{orderId} 14',
    'type-mismatch GET /v2/orders/{orderId} 5',
    'undocumented-method DELETE /v2/orders/{orderId} 10',
    'undocumented-param GET /v2/orders/{orderId} 2',
    'undocumented-path GET /internal/debug 10',
    'undocumented-status GET /v2/orders/{orderId} 2',
    'zombie GET /v1/orders/{id} 10',
  ]);
  const typeIssues = report.violations
    .filter((v) => v.kind === 'type-mismatch')
    .map((v) => v.detail)
    .sort();
  assert.match(typeIssues[0] as string, /\$\.id: spec says format uuid/);
  assert.match(typeIssues[1] as string, /\$\.total: spec says number, traffic has string/);
  const v = report.violations.find((x) => x.kind === 'undocumented-status');
  assert.equal(v?.firstSeen, T0);
  assert.equal(v?.spec, 'shop.yaml');
  // /users/me matched the literal path, not /users/{name}; those two and DELETE are documented or not:
  assert.equal(report.documented.get('GET shop.example.com /users/me')?.operation.path, '/users/me');
  assert.deepEqual(
    report.uncalled.map((u) => `${u.operation.method} ${u.operation.path}`),
    ['GET /users/{name}'],
  );
});

test('a runtime path superseded by a newer version in the same estate is a zombie', async () => {
  const spec = await parseSpec(SPEC);
  const report = checkConformance([ep('GET', '/v1/carts/{id}'), ep('GET', '/v3/carts/{id}')], [spec], { now: T0 });
  assert.deepEqual(
    report.violations.filter((v) => v.kind === 'zombie').map((v) => v.path),
    ['/v1/carts/{id}'],
  );
});
