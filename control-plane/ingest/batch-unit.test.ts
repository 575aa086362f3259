// The stored row's detail JSON is written member by member (batch-unit.ts): it must stay exactly
// what JSON.stringify of the detail object gives, whatever the strings hold, and a verdict alone
// still leaves no detail.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { createInventory } from '../inventory/inventory.ts';
import type { Store } from '../store/types.ts';
import { BatchGroup } from './batch-group.ts';
import { DEFAULT_BATCH_LIMITS } from './batch-unit.ts';

const NOW = Date.UTC(2026, 0, 1);
const ODD = ['plain', 'a"quote', 'back\\slash', 'ctl\u0001\u001f\u007f', 'tab\tnl\n', 'ünï 😀', 'lone \ud800', 'lone \udc00 x', ''];

function detailOf(event: Record<string, unknown>): string {
  // Templating needs no store here: adding a batch to a group only learns templates.
  const inventory = createInventory({ store: {} as Store });
  const batch = { gatewayId: 'gw', sequence: 1, events: [{ host: 'h', method: 'GET', path: '/a', ...event }] } as unknown as ReportBatch;
  const group = new BatchGroup(inventory, DEFAULT_BATCH_LIMITS);
  group.add(batch, NOW);
  return group.batches[0]!.records[0]!.detail;
}

it('detail JSON is JSON.stringify of the detail, for odd strings in every member', () => {
  for (const s of ODD) {
    const event = {
      requestId: s,
      userAgent: s,
      scheme: 'https',
      pathTemplate: `/t/${s}`,
      auth: { scheme: 'AUTH_SCHEME_API_KEY', jwtAlg: s, keyName: s },
      verdict: { action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', policyId: s, enforced: true, status: 403, reason: s },
    };
    const expected = JSON.stringify({
      requestId: s,
      userAgent: s,
      scheme: 'https',
      gatewayTemplate: `/t/${s}`,
      auth: { jwtAlg: s, keyName: s },
      verdict: { action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', policyId: s, enforced: true, status: 403, reason: s },
    });
    assert.equal(
      detailOf(event),
      s === '' ? JSON.stringify({ scheme: 'https', gatewayTemplate: '/t/', verdict: JSON.parse(expected).verdict }) : expected,
      JSON.stringify(s),
    );
  }
});

it('detail keeps only the members present, and a verdict alone keeps none', () => {
  assert.equal(detailOf({ userAgent: 'ua/1' }), '{"userAgent":"ua/1"}');
  assert.equal(detailOf({ auth: { keyName: 'k' } }), '{"auth":{"jwtAlg":"","keyName":"k"}}');
  assert.equal(detailOf({ verdict: { action: 'ACTION_BLOCK', enforced: true } }), '');
  assert.equal(detailOf({}), '');
  const withFinding = detailOf({
    requestId: 'r',
    findings: [
      {
        type: 'email',
        severity: 'SEVERITY_LOW',
        confidence: 90,
        masked: 'a***',
        location: { direction: 'DIRECTION_RESPONSE', jsonPath: '$.e' },
      },
    ],
  });
  assert.deepEqual(JSON.parse(withFinding), {
    requestId: 'r',
    findings: [
      {
        type: 'email',
        severity: 'SEVERITY_LOW',
        confidence: 90,
        masked: 'a***',
        location: { direction: 'DIRECTION_RESPONSE', field: '', name: '', jsonPath: '$.e' },
      },
    ],
  });
});
