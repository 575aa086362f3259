// Body shapes and formats from the built palisade.wasm (telemetry/body-shape.ts, format.ts): what the
// control plane's OpenAPI generation sees for Envoy traffic, compared with the Apigee policy's
// shape.js for the same body so both gateways describe an API the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';

type Field = { path: string; type: string; format?: string };
type Shape = { contentType?: string; fields?: Field[]; fieldsDropped?: number; truncated?: boolean };
type Event = Record<string, unknown> & { requestShape?: Shape; responseShape?: Shape };

/** The Apigee policy's shape module (ES5), loaded as the bundle does. */
function apigeeShape(): {
  bodyShape(media: string, body: string, truncated: boolean, max: number): { fields: Field[]; fieldsDropped: number };
} {
  const ctx = vm.createContext({});
  vm.runInContext(readFileSync('apigee-sharedflow/src/core/shape.js', 'utf8') + '\n;this.Palisade = Palisade;', ctx);
  return (ctx as { Palisade: { shape: ReturnType<typeof apigeeShape> } }).Palisade.shape;
}

const sorted = (fields: Field[] = []) => fields.map((f) => `${f.path} ${f.type} ${f.format ?? ''}`.trim()).sort();

const ORDERS = {
  id: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  created: '2026-12-04T15:24:05.123Z',
  day: '2026-12-04',
  contact: { email: 'ana@example.com', site: 'https://shop.example.com/a', ip: '192.0.2.10', ip6: 'fe80::1' },
  total: 12.5,
  count: 3,
  paid: true,
  note: null,
  'odd key': 'x',
  items: [
    { sku: 'A-1', qty: 1, tags: ['x', 'y'] },
    { sku: 'B-2', qty: 2, tags: [] },
  ],
  matrix: [
    [1, 2],
    [3, 4],
  ],
};

describe('body shapes from the Envoy filter', () => {
  let cp: FakeControlPlane;
  let plugin: Plugin;
  before(async () => {
    cp = new FakeControlPlane();
    const port = await cp.start();
    plugin = await createPlugin({
      wasm: WASM,
      pluginConfig: JSON.stringify({
        control_plane_cluster: 'control_plane',
        gateway_id: 'edge-1',
        token: 'tok-1',
        gateway_kind: 'dev',
        batch_size: 1,
      }),
      manualTicks: true,
      grpcClusters: { control_plane: { address: `127.0.0.1:${port}` } },
    });
  });
  after(async () => {
    await plugin.close();
    await cp.stop();
  });

  async function event(path: string): Promise<Event> {
    const batch = await cp.waitBatch((b) => JSON.stringify(b).includes(path));
    return (batch.events as Event[]).find((e) => e.path === path)!;
  }

  /** Sends each body as the response of `${prefix}/${i}`; its shape must be the Apigee policy's. */
  async function assertDescribedAsApigee(prefix: string, bodies: unknown[]): Promise<void> {
    bodies.forEach((b, i) =>
      exchange(plugin, { path: `${prefix}/${i}`, response: { headers: [['content-type', 'application/json']], body: JSON.stringify(b) } }),
    );
    const apigee = apigeeShape();
    for (const [i, b] of bodies.entries()) {
      const e = await event(`${prefix}/${i}`);
      const expected = apigee.bodyShape('application/json', JSON.stringify(b), false, 64);
      assert.deepEqual(sorted(e.responseShape!.fields), sorted(JSON.parse(JSON.stringify(expected.fields)) as Field[]), `body ${i}`);
    }
  }

  test('a JSON response yields every field with its type and format, arrays as [] and nested objects', async () => {
    exchange(plugin, {
      path: '/orders/shape',
      response: { headers: [['content-type', 'application/json']], body: JSON.stringify(ORDERS) },
    });
    const e = await event('/orders/shape');
    const fields = e.responseShape!.fields!;
    const byPath = (p: string, t?: string) => fields.filter((f) => f.path === p && (!t || f.type === t));
    assert.equal(byPath('$.id')[0]?.format, 'uuid');
    assert.equal(byPath('$.created')[0]?.format, 'date-time');
    assert.equal(byPath('$.day')[0]?.format, 'date');
    assert.deepEqual(byPath('$.contact')[0], { path: '$.contact', type: 'JSON_TYPE_OBJECT' });
    assert.equal(byPath('$.contact.email')[0]?.format, 'email');
    assert.equal(byPath('$.contact.site')[0]?.format, 'uri');
    assert.equal(byPath('$.contact.ip')[0]?.format, 'ipv4');
    assert.equal(byPath('$.contact.ip6')[0]?.format, 'ipv6');
    assert.equal(byPath('$.total')[0]?.type, 'JSON_TYPE_NUMBER');
    assert.equal(byPath('$.count')[0]?.type, 'JSON_TYPE_INTEGER');
    assert.equal(byPath('$.paid')[0]?.type, 'JSON_TYPE_BOOLEAN');
    assert.equal(byPath('$.note')[0]?.type, 'JSON_TYPE_NULL');
    assert.equal(byPath("$['odd key']").length, 1);
    assert.equal(byPath('$.items')[0]?.type, 'JSON_TYPE_ARRAY');
    assert.equal(byPath('$.items[]')[0]?.type, 'JSON_TYPE_OBJECT');
    assert.equal(byPath('$.items[].sku').length, 1, 'array elements share one path');
    assert.equal(byPath('$.items[].tags[]')[0]?.type, 'JSON_TYPE_STRING');
    assert.equal(byPath('$.matrix[][]')[0]?.type, 'JSON_TYPE_INTEGER');
    assert.equal(e.responseShape!.fieldsDropped ?? 0, 0);
    for (const v of ['ana@example.com', '192.0.2.10', '6f1c2b9e'])
      assert.equal(JSON.stringify(e).includes(v), false, `${v} never leaves the gateway`);
  });

  test('the filter and the Apigee policy describe the same body the same way', async () => {
    const body = JSON.stringify(ORDERS);
    exchange(plugin, { path: '/orders/same', body, headers: [['content-type', 'application/json']] });
    const e = await event('/orders/same');
    const apigee = apigeeShape().bodyShape('application/json', body, false, 64);
    assert.deepEqual(sorted(e.requestShape!.fields), sorted(JSON.parse(JSON.stringify(apigee.fields)) as Field[])); // across vm realms
  });

  test('form bodies list $.<name>; query parameters carry formats', async () => {
    exchange(plugin, {
      path: '/signup?since=2026-01-02&who=a%40b.example',
      method: 'POST',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: 'email=c%40d.example&age=42&name=Ana',
    });
    const e = await event('/signup');
    assert.deepEqual(sorted(e.requestShape!.fields), [
      '$.age JSON_TYPE_INTEGER',
      '$.email JSON_TYPE_STRING email',
      '$.name JSON_TYPE_STRING',
    ]);
    const params = e.params as { name: string; format?: string }[];
    assert.equal(params.find((p) => p.name === 'since')?.format, 'date');
    assert.equal(params.find((p) => p.name === 'who')?.format, 'email');
  });

  test('query parameters: empty names and values, types, decoding, names beyond ASCII', async () => {
    exchange(plugin, {
      path: '/q?=x&a=&b&t=true&n=-12&x=1.5&y=1.2.3&e=ana%40example.com&&k%41=v%zz&caf\u00e9=1&long=123456789012345678901',
    });
    const params = (await event('/q')).params as { name?: string; type: string; format?: string }[];
    const got = params.map((p) => `${p.name ?? ''} ${p.type.replace('JSON_TYPE_', '')} ${p.format ?? ''}`.trim());
    assert.deepEqual(got, [
      'STRING',
      'a STRING',
      'b STRING',
      't BOOLEAN',
      'n INTEGER',
      'x NUMBER',
      'y STRING',
      'e STRING email',
      'k%41 STRING',
      'caf\u00e9 INTEGER',
      'long STRING',
    ]);
  });

  test('the per-event field budget counts what it leaves out', async () => {
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    exchange(plugin, {
      path: '/wide',
      body: JSON.stringify(wide),
      headers: [['content-type', 'application/json']],
      response: { headers: [['content-type', 'application/json']], body: JSON.stringify(wide) },
    });
    const e = await event('/wide');
    assert.equal(e.requestShape!.fields!.length, 50);
    assert.equal(e.responseShape!.fields!.length, 14, 'the response gets what the request left of 64');
    assert.equal(e.responseShape!.fieldsDropped, 36);
  });

  test('a body the scanner skips (finding limit reached) still gets its shape', async () => {
    // 40 card numbers fill the 32-finding limit in the request, so the scanner never walks the
    // response body: its shape comes from the standalone walk instead of the scan's.
    const cards = { cards: Array.from({ length: 40 }, () => '4111111111111111') };
    const body = JSON.stringify(ORDERS);
    exchange(plugin, {
      path: '/orders/limit',
      body: JSON.stringify(cards),
      headers: [['content-type', 'application/json']],
      response: { headers: [['content-type', 'application/json']], body },
    });
    const e = await event('/orders/limit');
    assert.equal((e.findings as unknown[]).length, 32, 'the finding limit was reached by the request');
    assert.deepEqual(sorted(e.requestShape!.fields), ['$.cards JSON_TYPE_ARRAY', '$.cards[] JSON_TYPE_STRING']);
    const apigee = apigeeShape().bodyShape('application/json', body, false, 62);
    assert.deepEqual(sorted(e.responseShape!.fields), sorted(JSON.parse(JSON.stringify(apigee.fields)) as Field[]));
  });

  test('fields kept from earlier exchanges never lend one body their format, type or parent', async () => {
    // telemetry/field-intern.ts reuses a FieldShape across exchanges: each body must still be
    // described as if it were the first (same member under other parents, other formats, odd keys).
    const bodies = [
      { a: { x: 'ana@example.com' }, "it's": [{ x: 1 }] },
      { a: { x: 'hello' }, "it's": [{ x: 'ana@example.com' }] },
      { b: { x: '2026-12-04' }, a: [{ x: 'hello' }] },
      { a: { x: 'ana@example.com' }, "it's": [{ x: 1.5 }] },
    ];
    await assertDescribedAsApigee('/kept', bodies);
    const last = await event('/kept/3');
    assert.ok(sorted(last.responseShape!.fields).includes("$['it\\'s'][].x JSON_TYPE_NUMBER"), 'an escaped member is spelled in full');
  });

  test('more fields than the kept set holds: each body is still described as if it were the first', async () => {
    // telemetry/field-intern.ts keeps 256 fields in sets of four ways: ten bodies of ~53 fields,
    // sent twice, overflow every set, so kept fields are evicted and replaced while others hit.
    const bodies = Array.from({ length: 10 }, (_, i) =>
      Object.fromEntries(
        Array.from({ length: 40 }, (_, k) => [
          `f${(i * 37 + k * 7) % 500}`,
          k % 3 === 0 ? 'ana@example.com' : k % 3 === 1 ? k : { x: `v${i}` },
        ]),
      ),
    );
    for (const b of bodies) assert.ok(apigeeShape().bodyShape('application/json', JSON.stringify(b), false, 64).fields.length > 50);
    await assertDescribedAsApigee('/many', [...bodies, ...bodies]);
  });

  test('malformed and truncated JSON never traps; the fields seen are kept', async () => {
    const bodies = [
      '{"a": {"b": [1, 2',
      '{"a":: ]]] }}} "x',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      '{"\\',
      '"just a string"',
      '{"a":"\\u12',
    ];
    bodies.forEach((body, i) =>
      exchange(plugin, { path: `/bad/${i}`, response: { headers: [['content-type', 'application/json']], body } }),
    );
    const first = await event(`/bad/0`);
    assert.deepEqual(sorted(first.responseShape!.fields), ['$.a JSON_TYPE_OBJECT', '$.a.b JSON_TYPE_ARRAY', '$.a.b[] JSON_TYPE_INTEGER']);
    await event(`/bad/${bodies.length - 1}`);
    assert.equal(plugin.failed, false);
  });
});
