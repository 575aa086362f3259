// Blocking on what a response carries (DESIGN.md "Enforcing on responses in Envoy"), on the built
// palisade.wasm in the host with the built-in detectors: with held headers
// (allow_on_headers_stop_iteration) the whole response becomes the local reply; without, the
// status line is gone and the body is replaced or masked, with content-length kept honest.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { builtinWith } from './lib/builtin-rules.ts';
import { exchange } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
const CARD = '4111111111111111';
const LEAK = JSON.stringify({ customer: 42, card: { number: CARD, holder: 'Ada Lovelace' } });
const leakyResponse = {
  headers: [
    ['content-type', 'application/json'],
    ['content-length', String(Buffer.byteLength(LEAK))],
  ] as [string, string][],
  body: LEAK,
};

async function filterWithPolicy(held: boolean, style: string, cp: FakeControlPlane): Promise<Plugin> {
  const plugin = await createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'g', token: 't', allow_on_headers_stop_iteration: held }),
    allowOnHeadersStopIteration: held,
    grpcClusters: { cp: { address: `127.0.0.1:${cp.port}` } },
  });
  await cp.pushWhenConnected(
    builtinWith({
      version: 1,
      policies: [
        {
          id: 'no-card-leaks',
          action: 'ACTION_BLOCK',
          mode: 'MODE_ENFORCE',
          match: { paths: ['/v1/customers/**'], findingTypes: ['credit_card'], findingDirection: 'DIRECTION_RESPONSE' },
          block: { status: 502, body: '{"error":"withheld"}', responseStyle: style },
        },
      ],
    }),
  );
  await cp.waitWatch((r) => r.appliedVersion === '1');
  return plugin;
}

describe('response-side BLOCK on a card number in the body', () => {
  // One control plane per test: each pushes to the one filter that just connected.
  let cp: FakeControlPlane;
  beforeEach(async () => {
    cp = new FakeControlPlane();
    await cp.start();
  });
  afterEach(async () => cp.stop());

  test('held headers: the client gets the local reply instead of the response', async () => {
    const plugin = await filterWithPolicy(true, 'RESPONSE_BLOCK_STYLE_ERROR', cp);
    try {
      const r = exchange(plugin, { path: '/v1/customers/42', response: leakyResponse });
      assert.equal(r.clientStatus, undefined, 'the upstream response never reaches the client');
      assert.equal(r.localReply?.status, 502);
      assert.equal(Buffer.from(r.localReply!.body).toString(), '{"error":"withheld"}');
      const clean = exchange(plugin, {
        path: '/v1/customers/43',
        response: { headers: leakyResponse.headers.slice(0, 1), body: '{"customer":43}' },
      });
      assert.equal(clean.clientStatus, 200);
      assert.equal(clean.clientBody.toString(), '{"customer":43}');
    } finally {
      await plugin.close();
    }
  });

  test('held headers, REPLACE_BODY: status kept, body replaced, content-length matches it', async () => {
    const plugin = await filterWithPolicy(true, 'RESPONSE_BLOCK_STYLE_REPLACE_BODY', cp);
    try {
      const r = exchange(plugin, { path: '/v1/customers/42', response: leakyResponse });
      assert.equal(r.clientStatus, 200);
      assert.equal(r.clientBody.toString(), '{"error":"withheld"}');
      assert.equal(r.clientHeaders?.get('content-length'), String(r.clientBody.length));
    } finally {
      await plugin.close();
    }
  });

  test('headers not held (older Envoy, Istio): the body is replaced and content-length dropped', async () => {
    const plugin = await filterWithPolicy(false, 'RESPONSE_BLOCK_STYLE_ERROR', cp);
    try {
      const r = exchange(plugin, { path: '/v1/customers/42', response: leakyResponse });
      assert.equal(r.clientStatus, 200, 'the status line already left');
      assert.equal(r.clientHeaders?.has('content-length'), false);
      assert.equal(r.clientBody.toString(), '{"error":"withheld"}');
    } finally {
      await plugin.close();
    }
  });

  test('MASK: the card is overwritten by its masked preview, everything else untouched', async () => {
    const plugin = await filterWithPolicy(true, 'RESPONSE_BLOCK_STYLE_MASK', cp);
    try {
      const r = exchange(plugin, { path: '/v1/customers/42', response: leakyResponse });
      assert.equal(r.clientStatus, 200);
      const body = r.clientBody.toString();
      assert.equal(body.length, LEAK.length);
      assert.ok(!body.includes(CARD), body);
      assert.match(body, /"number":"4111\*+1111"/);
      assert.ok(body.includes('"holder":"Ada Lovelace"'));
    } finally {
      await plugin.close();
    }
  });
});

describe('response-side BLOCK on a card number in a response header', () => {
  let cp: FakeControlPlane;
  beforeEach(async () => {
    cp = new FakeControlPlane();
    await cp.start();
  });
  afterEach(async () => cp.stop());

  // The headers have not left when they are inspected, so in both modes and whatever the style
  // the whole response is replaced: a masked or replaced body would still let the header out.
  for (const [held, style] of [
    [true, 'RESPONSE_BLOCK_STYLE_MASK'],
    [false, 'RESPONSE_BLOCK_STYLE_REPLACE_BODY'],
  ] as const) {
    test(`${held ? 'held' : 'not held'}, ${style}: the client gets the local reply, the header never leaves`, async () => {
      const plugin = await filterWithPolicy(held, style, cp);
      try {
        const r = exchange(plugin, {
          path: '/v1/customers/42',
          response: {
            headers: [
              ['x-card-on-file', CARD],
              ['content-type', 'text/plain'],
            ],
            body: 'ok',
          },
        });
        assert.equal(r.clientStatus, undefined, 'the upstream response never reaches the client');
        assert.equal(r.localReply?.status, 502);
        assert.equal(Buffer.from(r.localReply!.body).toString(), '{"error":"withheld"}');
        const headersOnly = exchange(plugin, { path: '/v1/customers/43', response: { headers: [['x-card-on-file', CARD]] } });
        assert.equal(headersOnly.localReply?.status, 502, 'a response without a body is blocked too');
      } finally {
        await plugin.close();
      }
    });
  }
});
