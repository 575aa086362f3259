// Formats and JWT algs from live traffic, end to end on one store: gateway reports (the JSON form of
// ReportBatch) → ingest → endpoint_observations → the generated OpenAPI of an endpoint declares a
// format only where nearly every value had it, and an endpoint called with unsigned JWTs
// (`alg: none`) carries that in its risk breakdown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOpenApi } from './openapi-validate.ts';
import { startTestPlane, type Dialect, type TestPlane } from './testing-http.ts';

const HOST = 'accounts.example.com';
const CALLS = 20;

const str = (path: string, format = '') => ({ path, type: 'JSON_TYPE_STRING', format });
const signup = (i: number) => ({
  host: HOST,
  method: 'POST',
  path: '/v1/signup',
  status: 201,
  auth: { scheme: 'AUTH_SCHEME_JWT', jwtAlg: 'RS256' },
  params: [{ name: 'since', in: 'FIELD_KIND_QUERY', type: 'JSON_TYPE_STRING', format: 'date-time' }],
  // `$.note` looks like an email once in twenty: far below the share that makes a format.
  requestShape: { contentType: 'application/json', fields: [str('$.email', 'email'), str('$.note', i === 0 ? 'email' : '')] },
});
const unsigned = { host: HOST, method: 'GET', path: '/v1/session', status: 200, auth: { scheme: 'AUTH_SCHEME_JWT', jwtAlg: 'none' } };

interface Factor {
  id: string;
  evidence: string;
}

/** Run once per store by posture-observations.<dialect>.test.ts. */
export function postureObservationsSuite(dialect: Dialect): void {
  describe(`formats and JWT algs from live traffic on ${dialect}`, () => {
    let t: TestPlane;
    const get = (path: string) => t.call('GET', path, t.tokens.viewer);
    const endpointId = async (method: string, path: string): Promise<string> => {
      const items = (await get('/v1/endpoints?limit=100')).json.items as { id: string; key: { method: string; pathTemplate: string } }[];
      const e = items.find((x) => x.key.method === method && x.key.pathTemplate === path);
      assert.ok(e, `no endpoint ${method} ${path} in ${JSON.stringify(items.map((x) => x.key))}`);
      return e.id;
    };

    before(async () => {
      t = await startTestPlane(dialect, { debounceMs: 20, maxDelayMs: 200 });
      // Two batches: counts must add up across batches, not keep the last one's value.
      await t.report(Array.from({ length: CALLS / 2 }, (_, i) => signup(i)));
      await t.report([...Array.from({ length: CALLS / 2 }, (_, i) => signup(CALLS / 2 + i)), unsigned, unsigned]);
    });
    after(async () => t?.close());

    test('the endpoint OpenAPI declares the formats the events carried, and not a rare one', async () => {
      const id = await endpointId('POST', '/v1/signup');
      const doc = await get(`/v1/endpoints/${id}/openapi`);
      assert.equal(doc.status, 200, doc.text);
      const op = (doc.json.paths as Record<string, Record<string, Record<string, unknown>>>)['/v1/signup']!.post!;
      const body = (op.requestBody as { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> })
        .content['application/json']!.schema;
      assert.deepEqual(body.properties.email, { type: 'string', format: 'email' });
      assert.equal(body.properties.note!.format, undefined, JSON.stringify(body.properties.note));
      const since = (op.parameters as { name: string; schema: Record<string, unknown> }[]).find((p) => p.name === 'since');
      assert.equal(since?.schema.format, 'date-time', JSON.stringify(op.parameters));
      const valid = await validateOpenApi(doc.json);
      assert.equal(valid.valid, true, valid.errors.join('\n'));
    });

    test('unsigned JWTs (alg none) put the JWT-none reason in the endpoint risk; signed ones do not', async () => {
      const session = (await get(`/v1/endpoints/${await endpointId('GET', '/v1/session')}/risk`)).json;
      const weak = (session.factors as Factor[]).find((f) => f.id === 'weak-auth');
      assert.match(weak?.evidence ?? '', /alg:none/, JSON.stringify(session));
      const signed = (await get(`/v1/endpoints/${await endpointId('POST', '/v1/signup')}/risk`)).json;
      const signedWeak = (signed.factors as Factor[]).find((f) => f.id === 'weak-auth');
      assert.doesNotMatch(signedWeak?.evidence ?? '', /alg:none/, JSON.stringify(signed));
    });
  });
}
