// The one-click mitigation rule: deterministic ids, replacement instead of duplication, and a
// refusal of a rate limit without a rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mitigationPolicy, policyId, withPolicy } from '../src/lib/mitigation.ts';
import { edgeHealth, layoutFlows } from '../src/lib/flow-layout.ts';

const target = { host: 'api.example.com', method: 'post', pathTemplate: '/v1/users/{userId}', label: 'POST /v1/users/{userId}' };

test('block builds an enforcing BLOCK policy matching host, method and template', () => {
  const p = mitigationPolicy('block', target);
  assert.equal(p.action, 'ACTION_BLOCK');
  assert.equal(p.mode, 'MODE_ENFORCE');
  assert.deepEqual(p.match, { hosts: ['api.example.com'], methods: ['POST'], paths: ['/v1/users/{userId}'] });
  assert.equal(p.block?.status, 403);
});

test('the same target and action give the same policy id; another action another id', () => {
  assert.equal(policyId('block', target), policyId('block', { ...target }));
  assert.notEqual(policyId('block', target), policyId('log', target));
});

test('applying the same mitigation twice replaces the policy instead of duplicating it', () => {
  const once = withPolicy({ policies: [{ id: 'keep-me' }] }, mitigationPolicy('block', target));
  const twice = withPolicy(once, mitigationPolicy('block', target));
  assert.deepEqual(
    twice.policies?.map((p) => p.id),
    ['keep-me', policyId('block', target)],
  );
});

test('a rate limit needs a positive rate and keeps the chosen key', () => {
  assert.throws(
    () => mitigationPolicy('rate-limit', target, { rate: 0, periodSeconds: 1, key: 'RATE_LIMIT_KEY_CLIENT_IP' }),
    /positive rate/,
  );
  const p = mitigationPolicy(
    'rate-limit',
    { ...target, clientCidrs: ['203.0.113.0/24', '198.51.100.0/24'] },
    { rate: 5, periodSeconds: 60, key: 'RATE_LIMIT_KEY_API_KEY' },
  );
  assert.deepEqual(p.rateLimit, { rate: 5, periodSeconds: 60, burst: 5, key: 'RATE_LIMIT_KEY_API_KEY', header: '' });
  assert.deepEqual(p.match?.clientCidrs, ['203.0.113.0/24', '198.51.100.0/24']);
});

test('edge health prefers blocked over rate-limited over sensitive over errors', () => {
  const e = { from: 'a', to: 'b', requests: 100, blocked: 0, rateLimited: 0, errors: 0, sensitive: 0 };
  assert.equal(edgeHealth(e), 'good');
  assert.equal(edgeHealth({ ...e, errors: 20 }), 'error');
  assert.equal(edgeHealth({ ...e, errors: 20, sensitive: 1 }), 'sensitive');
  assert.equal(edgeHealth({ ...e, rateLimited: 10, sensitive: 1 }), 'limited');
  assert.equal(edgeHealth({ ...e, blocked: 10, rateLimited: 10 }), 'blocked');
});

test('flow layout places columns left to right, heaviest first, and drops edges to missing nodes', () => {
  const graph = {
    nodes: [
      { id: 'c1', kind: 'client' as const, label: 'ISP A' },
      { id: 'c2', kind: 'client' as const, label: 'ISP B' },
      { id: 'g', kind: 'gateway' as const, label: 'gw-1' },
    ],
    edges: [
      { from: 'c1', to: 'g', requests: 5, blocked: 0, rateLimited: 0, errors: 0, sensitive: 0 },
      { from: 'c2', to: 'g', requests: 50, blocked: 0, rateLimited: 0, errors: 0, sensitive: 0 },
      { from: 'g', to: 'missing', requests: 1, blocked: 0, rateLimited: 0, errors: 0, sensitive: 0 },
    ],
  };
  const { nodes, edges } = layoutFlows(graph, 1000);
  const y = Object.fromEntries(nodes.map((n) => [n.id, n.y]));
  const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]));
  assert.ok(y.c2! < y.c1!, 'heavier client first');
  assert.ok(x.g! > x.c1!, 'gateways right of clients');
  assert.equal(edges.length, 2);
  assert.ok(edges.find((e) => e.from === 'c2')!.width > edges.find((e) => e.from === 'c1')!.width);
});
