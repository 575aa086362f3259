// docs/api-reference.md is generated from GET /v1/openapi.json; a route added or changed without
// regenerating the file fails here, with the command that fixes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_REFERENCE_PATH, generateApiReference } from '../../scripts/docs/gen-api-reference.ts';
import { REGENERATE_COMMAND, renderApiReference, typeOf } from '../../scripts/docs/api-reference-markdown.ts';

test('the committed docs/api-reference.md is what the generator writes from the live OpenAPI document', async () => {
  const fresh = await generateApiReference();
  const committed = readFileSync(API_REFERENCE_PATH, 'utf8');
  assert.ok(committed === fresh, `docs/api-reference.md is out of date with the routes; run: ${REGENERATE_COMMAND}`);
});

test('a route with a path parameter, a query, a body and a schema reference renders every part', () => {
  const md = renderApiReference({
    info: { title: 'T', version: '1' },
    paths: {
      '/v1/things/{id}': {
        post: {
          summary: 'Change a thing',
          description: 'Changes it. Bearer token with role operator.',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
            { name: 'mode', in: 'query', schema: { type: 'string', enum: ['a', 'b|c'] }, description: 'How.' },
          ],
          requestBody: {
            content: {
              'application/json': {
                schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1, maximum: 10 } } },
              },
            },
          },
          responses: {
            '200': { description: 'The thing.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          },
          security: [{ bearer: [] }],
        },
      },
    },
    components: {
      schemas: {
        Thing: { type: 'object', properties: { n: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]{1,20}$' }] } } },
      },
    },
  });
  assert.match(md, /\| POST \| \[`\/v1\/things\/\{id\}`\]\(#post-v1thingsid\) \| `operator` \| Change a thing \|/);
  assert.match(md, /^### POST \/v1\/things\/\{id\}$/m);
  assert.match(md, /^Changes it\.$/m, 'the role sentence is moved to the role, not repeated');
  assert.match(md, /\| `id` \| path \| string \| yes \| max length 64 \|/);
  assert.match(md, /\| `mode` \| query \| `a`, `b\\\|c` \| {2}\| How\. \|/, 'pipes inside a cell are escaped');
  assert.match(md, /\| `n` \| integer \| yes \| 1–10 \|/);
  assert.match(md, /Response 200 \(`application\/json`\): The thing\. \[Thing\]\(#thing\)\./);
  assert.match(md, /^### Thing$/m);
  assert.match(md, /\| `n` \| uint64 \(number or decimal string\) \|/);
});

test('types: arrays, maps, enums and unions read as words', () => {
  assert.equal(typeOf({ type: 'array', items: { $ref: '#/components/schemas/Policy' } }), 'array of [Policy](#policy)');
  assert.equal(typeOf({ type: 'object', additionalProperties: { type: 'integer' } }), 'map of integer');
  assert.equal(typeOf({ enum: ['x', 1] }), '`x`, `1`');
  assert.equal(typeOf({ type: ['string', 'null'] }), 'string or null');
  assert.equal(typeOf(undefined), 'any');
});
