import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from './spec-parse.ts';
import { SpecError } from './spec-errors.ts';
import { CYCLE_MARKER, resolveRefs } from './ref-resolve.ts';

const OAS30 = `
openapi: 3.0.3
info: { title: Users, version: '1.0' }
servers: [{ url: 'https://api.example.com/v1' }]
security: [{ bearer: [] }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  schemas:
    Node:
      type: object
      properties:
        id: { type: string, format: uuid }
        children: { type: array, items: { $ref: '#/components/schemas/Node' } }
paths:
  /users/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
    get:
      deprecated: true
      parameters: [{ name: verbose, in: query, required: true, schema: { type: boolean } }]
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Node' } } } }
        4XX: { description: client error }
`;

const SWAGGER2 = JSON.stringify({
  swagger: '2.0',
  info: { title: 'Legacy', version: '1' },
  host: 'legacy.example.com',
  basePath: '/api',
  securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
  security: [{ key: [] }],
  paths: {
    '/items': {
      post: {
        parameters: [
          { name: 'body', in: 'body', required: true, schema: { type: 'object', properties: { n: { type: 'integer' } } } },
          { name: 'dry', in: 'query', type: 'boolean' },
        ],
        responses: { '201': { description: 'created', schema: { type: 'object', properties: { id: { type: 'string' } } } } },
      },
    },
  },
});

test('OpenAPI 3.0 YAML: server prefix, path-level params, deprecated, security, cyclic $ref kept finite', async () => {
  const spec = await parseSpec(OAS30, { name: 'users.yaml' });
  assert.equal(spec.version, '3.0');
  assert.deepEqual(spec.hosts, ['api.example.com']);
  const [op] = spec.operations;
  assert.equal(op?.path, '/v1/users/{id}');
  assert.equal(op?.deprecated, true);
  assert.deepEqual(
    op?.params.map((p) => `${p.in}:${p.name}:${p.required}`),
    ['path:id:true', 'query:verbose:true'],
  );
  assert.deepEqual(op?.security, { schemes: ['bearer', 'jwt'], anonymous: false });
  const schema = op?.responses['200']?.['application/json'] as {
    properties: { children: { items: { properties: { children: { items: Record<string, unknown> } } } } };
  };
  assert.ok(CYCLE_MARKER in schema.properties.children.items || CYCLE_MARKER in schema.properties.children.items.properties.children.items);
  assert.ok('4XX' in (op?.responses ?? {}));
});

test('Swagger 2.0 JSON: basePath, host, body parameter becomes the request body, apiKey security', async () => {
  const spec = await parseSpec(SWAGGER2);
  assert.equal(spec.version, '2.0');
  assert.deepEqual(spec.hosts, ['legacy.example.com']);
  const [op] = spec.operations;
  assert.equal(op?.path, '/api/items');
  assert.deepEqual(op?.requestBody?.content['application/json'], { type: 'object', properties: { n: { type: 'integer' } } });
  assert.deepEqual(
    op?.params.map((p) => p.name),
    ['dry'],
  );
  assert.deepEqual(op?.security?.schemes, ['api-key-header']);
});

async function rejects(input: string, code: string, opts = {}): Promise<void> {
  await assert.rejects(parseSpec(input, opts), (e: unknown) => e instanceof SpecError && e.code === code);
}

test('bad uploads fail with stable codes: remote $ref (never fetched), dangling $ref, version, syntax, size, schema', async () => {
  const withRef = (ref: string) => OAS30.replace("$ref: '#/components/schemas/Node' } } } }", `$ref: '${ref}' } } } }`);
  await rejects(withRef('https://evil.example/schema.json'), 'PAL-SPEC-REMOTE-REF');
  await rejects(withRef('other.yaml#/Node'), 'PAL-SPEC-REMOTE-REF');
  await rejects(withRef('#/components/schemas/Missing'), 'PAL-SPEC-BAD-REF');
  await rejects('openapi: 4.0.0\ninfo: {}\npaths: {}', 'PAL-SPEC-VERSION');
  await rejects('{"openapi": ', 'PAL-SPEC-PARSE');
  await rejects('a: [unclosed', 'PAL-SPEC-PARSE');
  await rejects(OAS30, 'PAL-SPEC-TOO-LARGE', { maxBytes: 100 });
  await rejects('openapi: 3.1.0\ninfo: { title: x }\npaths: {}', 'PAL-SPEC-INVALID');
});

test('a fan-out of references is bounded, not expanded exponentially', () => {
  const defs: Record<string, unknown> = { d0: { type: 'string' } };
  for (let i = 1; i <= 40; i++) defs[`d${i}`] = { allOf: [{ $ref: `#/defs/d${i - 1}` }, { $ref: `#/defs/d${i - 1}` }] };
  // Shared results keep this linear; the node budget is the backstop.
  const out = resolveRefs({ defs, root: { $ref: '#/defs/d40' } }) as Record<string, unknown>;
  assert.ok(out.root);
  assert.throws(
    () => resolveRefs({ defs, root: { $ref: '#/defs/d40' } }, { maxNodes: 50 }),
    (e: unknown) => e instanceof SpecError && e.code === 'PAL-SPEC-TOO-COMPLEX',
  );
});
