import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSources } from './source-diff.ts';

test('policies are matched by id: an edit is one change at that policy, not a shift of indexes', () => {
  const a = {
    policies: [
      { id: 'a', action: 'ACTION_LOG' },
      { id: 'b', action: 'ACTION_LOG' },
    ],
  };
  const b = {
    policies: [
      { id: 'b', action: 'ACTION_BLOCK' },
      { id: 'c', action: 'ACTION_LOG' },
    ],
  };
  assert.deepEqual(diffSources(a, b), [
    { op: 'remove', path: '$.policies[id=a]', from: { id: 'a', action: 'ACTION_LOG' } },
    { op: 'replace', path: '$.policies[id=b].action', from: 'ACTION_LOG', to: 'ACTION_BLOCK' },
    { op: 'add', path: '$.policies[id=c]', to: { id: 'c', action: 'ACTION_LOG' } },
  ]);
});

test('scalar lists are replaced whole and identical sources have no changes', () => {
  const a = { settings: { inspectContentTypes: ['a/b'] }, disabledDetectors: ['x'] };
  assert.deepEqual(diffSources(a, structuredClone(a)), []);
  assert.deepEqual(diffSources(a, { ...a, disabledDetectors: ['x', 'y'] }), [
    { op: 'replace', path: '$.disabledDetectors', from: ['x'], to: ['x', 'y'] },
  ]);
});

test('a reorder of id-matched elements is reported once', () => {
  const a = { policies: [{ id: 'a' }, { id: 'b' }] };
  const b = { policies: [{ id: 'b' }, { id: 'a' }] };
  assert.deepEqual(diffSources(a, b), [{ op: 'replace', path: '$.policies[*].id', from: ['a', 'b'], to: ['b', 'a'] }]);
});
