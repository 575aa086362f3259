// Enums from runtime on one store (docs/posture.md, "Enums from runtime"): gateway reports carrying
// value hashes (the JSON form of ReportBatch, as the Apigee flow sends it) → field_values sketches →
// the release list served with GET /v1/rules (new ETag, same rule version) → values reported for
// released hashes only are kept → the endpoint's OpenAPI declares the enum. A high-cardinality field
// and a value sent by fewer than k clients never release anything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOpenApi } from './openapi-validate.ts';
import { eventually, startTestPlane, type Dialect, type TestPlane } from './testing-http.ts';
import { hashToFixed64 } from '../rules/value-releases.ts';
import { SKETCH_MAX_HASHES } from '../inventory/value-sketch.ts';

const HOST = 'orders.example.com';
const K = 5;
/** One address per call: eight or more callers of a value set at least K of the 32 client bits. */
const CLIENTS = Array.from({ length: 24 }, (_, i) => `198.51.100.${10 + i}`);

/** A stand-in for the gateway's keyed hash: the control plane never sees the key, any 8 bytes do. */
const hashOf = (value: string) => Buffer.from(value.padEnd(8, '_').slice(0, 8));
const hex = (value: string) => hashOf(value).toString('hex');

const field = (path: string, value: string, report: boolean) => ({
  path,
  type: 'JSON_TYPE_STRING',
  valueHash: hashOf(value).toString('base64'),
  ...(report ? { value } : {}),
});

/** One GET /v1/orders/{orderId}: status (enum), name (distinct per call), tier (rare value from 2 clients). */
const order = (i: number, report: boolean) => ({
  host: HOST,
  method: 'GET',
  path: `/v1/orders/${1000 + i}`,
  status: 200,
  clientIp: CLIENTS[i % CLIENTS.length],
  params: [
    {
      name: 'view',
      in: 'FIELD_KIND_QUERY',
      type: 'JSON_TYPE_STRING',
      valueHash: hashOf(i % 2 ? 'full' : 'brief').toString('base64'),
      ...(report ? { value: i % 2 ? 'full' : 'brief' } : {}),
    },
  ],
  responseShape: {
    contentType: 'application/json',
    fields: [
      field('$.status', i % 3 === 0 ? 'closed' : 'active', report),
      field('$.name', `n${i}`, report),
      // `vip` comes from two clients only.
      field('$.tier', i === 0 || i === 1 ? 'vip' : 'basic', report),
    ],
  },
});

interface Release {
  endpoint: { hosts: string[]; methods: string[]; paths: string[] };
  hashes: string[];
}

/** Run once per store by value-enums.<dialect>.test.ts. */
export function valueEnumsSuite(dialect: Dialect): void {
  describe(`enums from runtime on ${dialect}`, () => {
    let t: TestPlane;
    let etagBefore = '';
    const rules = () => t.call('GET', '/v1/rules', t.tokens.gateway);

    before(async () => {
      t = await startTestPlane(dialect, { enumMinClients: K, enumMinObservations: 20, enumRefreshMs: 100 });
      etagBefore = (await rules()).headers.get('etag') ?? '';
      // Hashes only: nothing is released yet, so values sent now would be dropped.
      await t.report(Array.from({ length: 24 }, (_, i) => order(i, true)));
    });
    after(async () => t?.close());

    test('the release list reaches GET /v1/rules with a new ETag and the same version', async () => {
      const body = await eventually(async () => {
        const r = await rules();
        return (r.json.valueReleases as Release[] | undefined)?.length ? r : undefined;
      });
      assert.notEqual(body.headers.get('etag'), etagBefore);
      assert.equal(body.headers.get('x-palisade-rules-version'), '0', 'no new rule version');
      const releases = body.json.valueReleases as Release[];
      assert.equal(releases.length, 1);
      assert.deepEqual(releases[0]!.endpoint, { hosts: [HOST], methods: ['GET'], paths: ['/v1/orders/{orderId}'] });
      const released = new Set(releases[0]!.hashes);
      for (const v of ['active', 'closed', 'basic', 'full', 'brief']) assert.ok(released.has(hashToFixed64(hex(v))), `${v} released`);
      assert.ok(!released.has(hashToFixed64(hex('vip'))), 'a value from fewer than k clients is not released');
      for (let i = 0; i < 24; i++) assert.ok(!released.has(hashToFixed64(hex(`n${i}`))), 'no name is released');
      assert.match(String(body.json.releasesDigest), /^[0-9a-f]{64}$/);
      const numeric = releases[0]!.hashes.map(BigInt);
      assert.deepEqual(
        numeric,
        [...numeric].sort((a, b) => (a < b ? -1 : 1)),
        'ascending as integers (gateways binary-search)',
      );
      const again = await t.call('GET', '/v1/rules', t.tokens.gateway);
      assert.equal(again.headers.get('etag'), body.headers.get('etag'));
    });

    test('values are kept for released hashes only; the high-cardinality field keeps one marker row', async () => {
      await t.report(Array.from({ length: 24 }, (_, i) => order(i, true)));
      const rows = await t.cp.store.sql.query('SELECT name, value_hash, value FROM field_values ORDER BY name, value_hash');
      const values = new Set(rows.map((r) => String(r.value)).filter(Boolean));
      assert.deepEqual([...values].sort(), ['active', 'basic', 'brief', 'closed', 'full']);
      const names = rows.filter((r) => r.name === '$.name');
      assert.deepEqual(names, [{ name: '$.name', value_hash: '*', value: '' }], `more than ${SKETCH_MAX_HASHES} names collapse`);
    });

    test('the endpoint OpenAPI declares the enums, and none for the field with a held-back value', async () => {
      const items = (await t.call('GET', '/v1/endpoints?limit=100', t.tokens.viewer)).json.items as { id: string }[];
      const doc = await t.call('GET', `/v1/endpoints/${items[0]!.id}/openapi`, t.tokens.viewer);
      assert.equal(doc.status, 200, doc.text);
      assert.deepEqual(Object.keys(doc.json.paths as object), ['/v1/orders/{orderId}']);
      const op = (doc.json.paths as Record<string, Record<string, Record<string, unknown>>>)['/v1/orders/{orderId}']!.get!;
      const props = (
        op.responses as Record<string, { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> }>
      )['200']!.content['application/json']!.schema.properties;
      assert.deepEqual(props.status, { type: 'string', enum: ['active', 'closed'] });
      assert.equal(props.name!.enum, undefined);
      assert.equal(props.tier!.enum, undefined, 'vip is held back, so the set is not known');
      const view = (op.parameters as { name: string; schema: Record<string, unknown> }[]).find((p) => p.name === 'view');
      assert.deepEqual(view?.schema.enum, ['brief', 'full']);
      const valid = await validateOpenApi(doc.json);
      assert.equal(valid.valid, true, valid.errors.join('\n'));
    });
  });
}
