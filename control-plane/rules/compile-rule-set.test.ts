// Compilation to RuleSet: normalised policies sorted by priority, settings defaults, and a digest
// over fields 3-6 only (the same behaviour gives the same digest whatever the version or comment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compileRuleSet, DEFAULT_SETTINGS } from './compile-rule-set.ts';
import { decodeMessage, encodeMessage } from './proto-json.ts';
import { createDetectionEngine } from './detection-engine.ts';
import type { RuleSet__Output } from '../../proto/gen/palisade/v1/RuleSet.ts';

const source = {
  policies: [
    { id: 'late', action: 'ACTION_LOG' as const, priority: 10 },
    { id: 'rl', action: 'ACTION_RATE_LIMIT' as const, rateLimit: { rate: 5, key: 'RATE_LIMIT_KEY_CLIENT_IP' as const }, priority: -1 },
    { id: 'block', action: 'ACTION_BLOCK' as const, match: { hosts: ['api.example.com'], methods: ['POST'] } },
  ],
  settings: { defaultMode: 'MODE_ENFORCE' as const },
};

test('policies are sorted by priority and get explicit defaults', () => {
  const c = compileRuleSet(source, { version: 3, publishedAtMs: 1000, comment: 'c' });
  assert.deepEqual(
    c.ruleSet.policies!.map((p) => p.id),
    ['rl', 'block', 'late'],
  );
  const [rl, block] = c.ruleSet.policies!;
  assert.deepEqual(rl!.rateLimit, { rate: 5, key: 'RATE_LIMIT_KEY_CLIENT_IP', periodSeconds: 1, burst: 5 });
  assert.equal(rl!.mode, 'MODE_ENFORCE');
  assert.equal(block!.block!.status, 403);
  assert.equal(block!.failureMode, 'FAILURE_MODE_OPEN');
  assert.equal(c.ruleSet.settings!.maxBodyBytes, DEFAULT_SETTINGS.maxBodyBytes);
});

test('the bytes decode to the same RuleSet and the digest covers fields 3-6 only', () => {
  const a = compileRuleSet(source, { version: 3, publishedAtMs: 1000, comment: 'first' });
  const b = compileRuleSet(source, { version: 9, publishedAtMs: 2000, comment: 'rollback' });
  assert.equal(a.digest, b.digest);
  assert.notDeepEqual(a.bytes, b.bytes);
  const decoded = decodeMessage<RuleSet__Output>('RuleSet', a.bytes);
  assert.equal(decoded.version, '3');
  assert.equal(decoded.digest, a.digest);
  const fields = encodeMessage('RuleSet', {
    automata: decoded.automata,
    detectors: decoded.detectors,
    policies: decoded.policies,
    settings: decoded.settings,
  });
  assert.equal(createHash('sha256').update(fields).digest('hex'), a.digest);
  const changed = compileRuleSet(
    { ...source, settings: { defaultMode: 'MODE_MONITOR' as const } },
    { version: 3, publishedAtMs: 1000, comment: 'first' },
  );
  assert.notEqual(changed.digest, a.digest);
});

test('with detector tables: bytes and digests equal encoding the whole message, on every publish', () => {
  const engine = createDetectionEngine();
  for (const [version, comment] of [
    [4, 'first'],
    [5, 'second, tables reused'],
  ] as const) {
    const c = compileRuleSet(source, { version, publishedAtMs: 1000 + version, comment }, engine);
    assert.ok(c.ruleSet.automata!.length > 0);
    assert.deepEqual(c.bytes, encodeMessage('RuleSet', c.ruleSet));
    const { automata, detectors, policies, settings } = c.ruleSet;
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    assert.equal(c.digest, sha(encodeMessage('RuleSet', { automata, detectors, policies, settings })));
    assert.equal(c.detectorsDigest, sha(encodeMessage('RuleSet', { automata, detectors })));
    assert.equal(decodeMessage<RuleSet__Output>('RuleSet', c.bytes).comment, comment);
  }
});
