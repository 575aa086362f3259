import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryEndpoint } from './model.ts';
import { generateOpenApi, generateOpenApiPerHost } from './openapi-generate.ts';
import { validateOpenApi } from './openapi-validate.ts';
import { inferBodySchema } from './schema-infer.ts';

const T0 = Date.UTC(2026, 0, 1);

function endpoint(over: Partial<InventoryEndpoint> = {}): InventoryEndpoint {
  return {
    host: 'api.example.com',
    method: 'GET',
    path: '/v1/users/{userId}',
    count: 100,
    firstSeen: T0,
    lastSeen: T0 + 60_000,
    statusCounts: { '200': 95, '404': 5 },
    params: [
      { name: 'userId', in: 'path', seen: 100, types: { integer: 100 } },
      { name: 'expand', in: 'query', seen: 30, types: { string: 30 }, values: { orders: 20, cards: 10 } },
      { name: 'x-tenant', in: 'header', seen: 100, types: { string: 100 }, formats: { uuid: 100 } },
      { name: 'user-agent', in: 'header', seen: 100, types: { string: 100 } },
    ],
    requestBodies: [],
    responses: {
      '200': [
        {
          contentType: 'application/json',
          count: 95,
          fields: [
            { path: '$', seen: 95, types: { object: 95 } },
            { path: '$.id', seen: 95, types: { integer: 95 } },
            { path: '$.email', seen: 95, types: { string: 95 }, formats: { email: 95 } },
            { path: '$.status', seen: 95, types: { string: 95 }, values: { active: 60, locked: 35 } },
            { path: '$.nickname', seen: 40, types: { string: 20, null: 20 }, valuesOverflow: true },
            { path: '$.orders', seen: 95, types: { array: 95 } },
            { path: '$.orders[]', seen: 200, types: { object: 200 } },
            { path: '$.orders[].id', seen: 200, types: { string: 200 }, formats: { uuid: 200 } },
            { path: '$.orders[].total', seen: 200, types: { integer: 150, number: 50 } },
          ],
        },
      ],
    },
    auth: [
      { scheme: 'jwt', count: 90, jwtAlgs: { RS256: 90 } },
      { scheme: 'none', count: 10 },
    ],
    findings: [],
    ...over,
  };
}

test('generated document is valid OpenAPI 3.1 for the official schema', async () => {
  const doc = generateOpenApi([
    endpoint(),
    endpoint({
      method: 'POST',
      path: '/v1/users',
      params: [],
      auth: [{ scheme: 'api-key-query', count: 5, keyName: 'api_key' }],
      count: 5,
      statusCounts: { '201': 5 },
      requestBodies: [
        {
          contentType: 'application/json',
          count: 5,
          fields: [
            { path: '$', seen: 5, types: { object: 5 } },
            { path: '$.name', seen: 5, types: { string: 5 } },
          ],
        },
      ],
      responses: {},
    }),
  ]);
  const res = await validateOpenApi(doc);
  assert.deepEqual(res.errors, []);
  assert.equal(res.valid, true);
  assert.equal(doc.openapi, '3.1.0');
});

test('path, query and header parameters carry types, formats, enums and required-ness from frequency', () => {
  const op = generateOpenApi([endpoint()]).paths['/v1/users/{userId}']?.get as { parameters: Record<string, unknown>[] };
  const byName = Object.fromEntries(op.parameters.map((p) => [p.name, p]));
  assert.deepEqual(byName.userId?.schema, { type: 'integer' });
  assert.equal(byName.userId?.required, true);
  assert.equal(byName.expand?.required, false);
  assert.equal(byName['x-tenant']?.required, true);
  assert.deepEqual(byName['x-tenant']?.schema, { type: 'string', format: 'uuid' });
  assert.equal(byName['user-agent'], undefined, 'infrastructure headers are not API parameters');
});

test('response schemas merge shapes: formats, enums, nullable, arrays of objects, integer widened to number', () => {
  const schema = inferBodySchema(endpoint().responses['200']?.[0]?.fields ?? [], {
    requiredShare: 0.95,
    formatShare: 0.9,
    enumMaxValues: 8,
    enumMinSamples: 30,
  });
  const props = schema.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(props.email, { type: 'string', format: 'email' });
  assert.deepEqual(props.status, { type: 'string', enum: ['active', 'locked'] });
  assert.deepEqual(props.nickname, { type: ['string', 'null'] });
  const items = (props.orders as { items: Record<string, unknown> }).items;
  assert.equal(items.type, 'object');
  assert.deepEqual((items.properties as Record<string, unknown>).total, { type: 'number' });
  assert.deepEqual(schema.required, ['email', 'id', 'orders', 'status']);
});

test('security schemes seen become components and per-operation requirements (none → optional)', () => {
  const doc = generateOpenApi([endpoint()]);
  assert.deepEqual((doc.components as Record<string, unknown>).securitySchemes, {
    jwtAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  });
  assert.deepEqual(doc.paths['/v1/users/{userId}']?.get && (doc.paths['/v1/users/{userId}'].get as Record<string, unknown>).security, [
    { jwtAuth: [] },
    {},
  ]);
});

test('one document per host, or one merged document with every host as a server', () => {
  const a = endpoint();
  const b = endpoint({ host: 'api.example.org', count: 50 });
  const per = generateOpenApiPerHost([a, b]);
  assert.deepEqual([...per.keys()], ['api.example.com', 'api.example.org']);
  const merged = generateOpenApi([a, b]);
  assert.deepEqual(merged.servers, [{ url: 'https://api.example.com' }, { url: 'https://api.example.org' }]);
  const op = merged.paths['/v1/users/{userId}']?.get as Record<string, { count: number }>;
  assert.equal(op['x-palisade-observed']?.count, 150);
});
