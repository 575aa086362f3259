// Malformed messages from the control plane never trap the filter (issue 7 "Bad input"): random
// bytes and corrupted RuleSets pushed over WatchRules are applied or refused, one by one, with
// the previous rules kept; garbage ReportAcks are ignored; traffic keeps flowing throughout and a
// good RuleSet is still applied at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlugin, type Plugin } from '../../wasm-filter/host/index.ts';
import { FakeControlPlane } from './lib/fake-control-plane.ts';
import { builtinWith } from './lib/builtin-rules.ts';
import { exchange } from './lib/drive.ts';
import { encodeMessage } from './lib/proto.ts';

const WASM = process.env.PALISADE_WASM ?? 'wasm-filter/build/palisade.wasm';

/** Deterministic xorshift32, so a failing case can be replayed. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const cp = new FakeControlPlane();
let plugin: Plugin;

before(async () => {
  await cp.start();
  plugin = await createPlugin({
    wasm: WASM,
    pluginConfig: JSON.stringify({ control_plane_cluster: 'cp', gateway_id: 'fuzz', token: 't', batch_size: 1 }),
    grpcClusters: { cp: { address: `127.0.0.1:${cp.port}` } },
  });
  await cp.pushWhenConnected({ version: 1, policies: [{ id: 'block-admin', action: 'ACTION_BLOCK', match: { paths: ['/admin/**'] } }] });
  await cp.waitWatch((r) => r.appliedVersion === '1');
});

after(async () => {
  await plugin.close();
  await cp.stop();
});

/** Waits until the filter answered `n` pushes in total (applied or rejected). */
async function answered(n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  const count = () =>
    cp.watchRequests.filter((r) => r.appliedVersion !== undefined || r.rejectedVersion !== undefined || r.rejectReason !== undefined)
      .length;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`only ${count()} of ${n} pushes answered`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function mutations(): Uint8Array[] {
  const rnd = prng(7);
  const good = encodeMessage('RuleSet', {
    version: 50,
    policies: [
      {
        id: 'p1',
        action: 'ACTION_BLOCK',
        match: { paths: ['/x/{id}'], methods: ['GET'], clientCidrs: ['10.0.0.0/8'], headers: [{ name: 'x-a', exact: 'b' }] },
      },
      { id: 'p2', action: 'ACTION_RATE_LIMIT', rateLimit: { rate: 5, key: 'RATE_LIMIT_KEY_HEADER', header: 'x-k' } },
    ],
    settings: { maxBodyBytes: 1024 },
  });
  const out: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    const len = Math.floor(rnd() * 300);
    out.push(Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)));
  }
  for (let i = 0; i < 60; i++) {
    const m = Uint8Array.from(good);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(rnd() * m.length);
      m[at] = m[at]! ^ (1 << Math.floor(rnd() * 8));
    }
    out.push(rnd() < 0.3 ? m.subarray(0, Math.floor(rnd() * m.length)) : m);
  }
  // Corrupted detector tables: the scanner's half of the decoder sees them too.
  const full = builtinWith({ version: 60 });
  for (let i = 0; i < 6; i++) {
    const m = Buffer.from(full);
    for (let f = 0; f < 8; f++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
    out.push(m);
  }
  return out;
}

test('random and corrupted RuleSets are applied or refused, never a trap, traffic flows', async () => {
  const before = cp.watchRequests.length;
  let pushed = 0;
  for (const bytes of mutations()) {
    cp.push(bytes);
    pushed++;
    // Requests between pushes: whatever rules are in force, the exchange completes.
    const r = exchange(plugin, { path: '/public/item' });
    assert.ok(r.localReply === undefined || r.localReply.status >= 200, 'exchange completes');
    if (pushed % 20 === 0) await answered(before - 1 + pushed);
  }
  await answered(before - 1 + pushed);
  assert.equal(plugin.failed, false);
  assert.ok(
    plugin.metrics.get('palisade.rules_rejected') > pushed / 2,
    `most were refused (${plugin.metrics.get('palisade.rules_rejected')})`,
  );
  await cp.waitWatch((r) => typeof r.rejectReason === 'string' && /^codec: |^rules: /.test(r.rejectReason as string));
  // A good RuleSet after all that is still applied and enforced.
  cp.push(
    encodeMessage('RuleSet', {
      version: 99,
      policies: [{ id: 'block-final', action: 'ACTION_BLOCK', block: { status: 418 }, match: { paths: ['/final'] } }],
    }),
  );
  await cp.waitWatch((r) => r.appliedVersion === '99');
  assert.equal(exchange(plugin, { path: '/final' }).localReply?.status, 418);
});

test('garbage ReportAck frames are ignored and reports keep flowing', async () => {
  const rnd = prng(11);
  for (let i = 0; i < 50; i++) cp.pushReportAck(Uint8Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
  await new Promise((r) => setTimeout(r, 100));
  exchange(plugin, { path: '/after-garbage-acks' });
  await cp.waitBatch((b) => JSON.stringify(b).includes('/after-garbage-acks'));
  assert.equal(plugin.failed, false);
});

test('an empty RuleSet (version 0) is refused: it would replace the built-in detectors', async () => {
  cp.push(new Uint8Array(0));
  await cp.waitWatch((r) => r.rejectReason === 'rules: version 0 is reserved for the built-in rules');
  assert.equal(exchange(plugin, { path: '/final' }).localReply?.status, 418, 'the rules in force stay');
});
