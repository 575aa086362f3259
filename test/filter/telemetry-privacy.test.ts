// Raw sensitive values never leave the gateway (DESIGN.md principle 3), on the built palisade.wasm
// with its embedded built-in detectors: findings reach the control plane as type, location, a
// masked preview and a keyed hash of the value — the same value gives the same hash under one
// deployment key and another hash under another key — and credentials are never reported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { exchange } from './lib/drive.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';
const CARD = '4111111111111111';
const EMAIL = 'ada.lovelace@example.org';
const API_KEY = 'sk_live_51HxQzJ2eZvKYlo2C0123456789';

type Json = Record<string, unknown>;
interface Finding {
  type: string;
  masked: string;
  valueHash?: string;
  location: Json;
}

const cp = new FakeControlPlane();
before(async () => void (await cp.start()));
after(async () => cp.stop());

function plugin(hashKey: string, gatewayId: string): Promise<Plugin> {
  return createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: gatewayId, token: 't', batch_size: 1, hash_key: hashKey }),
    grpcClusters: { cp: { address: `127.0.0.1:${cp.port}` } },
  });
}

function leak(p: Plugin, path: string) {
  return exchange(p, {
    method: 'POST',
    path,
    headers: [
      ['content-type', 'application/json'],
      ['x-api-key', API_KEY],
      ['x-contact', EMAIL],
    ],
    body: JSON.stringify({ payment: { card_number: CARD, email: EMAIL } }),
    response: { headers: [['content-type', 'application/json']], body: JSON.stringify({ card: { number: CARD } }) },
  });
}

async function findingsOf(path: string): Promise<{ batch: Json; findings: Finding[] }> {
  const batch = await cp.waitBatch((b) => JSON.stringify(b).includes(path));
  const event = (batch.events as Json[]).find((e) => e.path === path)!;
  return { batch, findings: (event.findings ?? []) as unknown as Finding[] };
}

test('findings arrive masked and hashed; no raw value or credential is in the batch', async () => {
  const p = await plugin('000102030405060708090a0b0c0d0e0f', 'gw-a');
  try {
    leak(p, '/pay/1');
    const { batch, findings } = await findingsOf('/pay/1');
    const cards = findings.filter((f) => f.type === 'credit_card');
    assert.ok(cards.length >= 2, `card found in request and response: ${JSON.stringify(findings)}`);
    for (const f of cards) {
      assert.match(f.masked, /^4111\*+1111$/);
      assert.equal(Buffer.from(f.valueHash ?? '', 'base64').length, 8, 'an 8-byte keyed hash');
    }
    assert.ok(
      findings.some((f) => f.type === 'email'),
      JSON.stringify(findings.map((f) => f.type)),
    );
    const text = JSON.stringify(batch);
    for (const raw of [CARD, EMAIL, API_KEY, 'ada.lovelace']) assert.ok(!text.includes(raw), `${raw} left the gateway`);
    assert.ok(p.metrics.get('palisade.findings.credit_card') >= 2);
  } finally {
    await p.close();
  }
});

test('the value hash is stable under one deployment key and differs under another', async () => {
  const a = await plugin('000102030405060708090a0b0c0d0e0f', 'gw-b');
  const b = await plugin('f0e0d0c0b0a090807060504030201000', 'gw-c');
  try {
    leak(a, '/pay/2');
    leak(a, '/pay/3');
    leak(b, '/pay/4');
    const hashOf = async (path: string) => (await findingsOf(path)).findings.find((f) => f.type === 'credit_card')?.valueHash;
    const [h2, h3, h4] = [await hashOf('/pay/2'), await hashOf('/pay/3'), await hashOf('/pay/4')];
    assert.ok(h2);
    assert.equal(h2, h3, 'same value, same key: same hash (distinct values can be counted)');
    assert.notEqual(h2, h4, 'another deployment key gives another hash');
  } finally {
    await a.close();
    await b.close();
  }
});

test('with no control plane the built-in detectors still run', async () => {
  const p = await createPlugin({ wasm: WASM, pluginConfig: '' });
  try {
    const r = exchange(p, {
      path: '/v1/cards',
      response: { headers: [['content-type', 'application/json']], body: JSON.stringify({ card: { number: CARD } }) },
    });
    assert.equal(r.clientStatus, 200);
    assert.equal(p.metrics.get('palisade.findings.credit_card'), 1);
    assert.equal(p.metrics.get('palisade.rules_version'), 0);
  } finally {
    await p.close();
  }
});
