import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryEndpoint } from './model.ts';
import { diffPosture } from './posture-changes.ts';
import { evaluatePosture } from './posture-evaluate.ts';
import { eventsToCsv, eventsToJsonLines } from './posture-export.ts';
import { INITIAL_RISK_MODEL } from './risk-model.ts';
import { parseSpec } from './spec-parse.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const ep = (over: Partial<InventoryEndpoint> = {}): InventoryEndpoint => ({
  host: 'a.example',
  method: 'GET',
  path: '/v1/users/{id}',
  count: 10,
  firstSeen: T0,
  lastSeen: T0,
  statusCounts: { '200': 10 },
  params: [],
  requestBodies: [],
  responses: {},
  auth: [{ scheme: 'jwt', count: 10 }],
  findings: [],
  external: true,
  ...over,
});

test('new endpoint, new sensitive type, risk crossing, new and resolved violations, auth weakened, turned zombie', async () => {
  const spec = await parseSpec(
    `openapi: 3.1.0\ninfo: { title: A, version: '1' }\npaths:\n  /v1/users/{id}:\n    get: { responses: { '200': { description: ok } } }\n`,
  );
  const s1 = evaluatePosture([ep()], [spec], INITIAL_RISK_MODEL, { now: T0 });
  const first = diffPosture(null, s1, [40, 70]);
  assert.deepEqual(
    first.map((e) => e.kind),
    ['endpoint-new'],
  );
  const changed = ep({
    lastSeen: T0 + DAY,
    statusCounts: { '200': 8, '418': 2 },
    auth: [
      { scheme: 'jwt', count: 5 },
      { scheme: 'none', count: 5 },
    ],
    findings: [{ type: 'credit_card', category: 'pci', direction: 'response', count: 50 }],
  });
  const s2 = evaluatePosture([changed, ep({ path: '/v2/users/{id}', lastSeen: T0 + DAY })], [spec], INITIAL_RISK_MODEL, { now: T0 + DAY });
  const events = diffPosture(s1, s2, [40, 70]);
  const kinds = events
    .filter((e) => e.path === '/v1/users/{id}')
    .map((e) => e.kind)
    .sort();
  assert.deepEqual(kinds, [
    'auth-weakened',
    'conformance-violation-new',
    'endpoint-zombie',
    'risk-threshold-crossed',
    'risk-threshold-crossed',
    'sensitive-data-new',
  ]);
  assert.equal(events.find((e) => e.kind === 'sensitive-data-new')?.severity, 'critical');
  // The status is documented again: the violation resolves under the same dedup key.
  const s3 = evaluatePosture([ep({ lastSeen: T0 + 2 * DAY, statusCounts: { '200': 10 } })], [spec], INITIAL_RISK_MODEL, {
    now: T0 + 2 * DAY,
  });
  const later = diffPosture(s2, s3, [40, 70]);
  const resolved = later.find((e) => e.kind === 'conformance-violation-resolved');
  assert.ok(resolved?.resolves);
  assert.equal(resolved?.dedupKey, events.find((e) => e.kind === 'conformance-violation-new')?.dedupKey);
  assert.ok(later.some((e) => e.kind === 'risk-threshold-crossed' && e.resolves));
});

test('CSV export quotes, escapes and defuses formulas; JSON Lines has one event per line', () => {
  const e = {
    id: 'x1',
    at: T0,
    kind: 'endpoint-new' as const,
    severity: 'info' as const,
    host: 'a.example',
    method: 'GET',
    path: '/a,"b"',
    summary: '=HYPERLINK("http://x")',
    dedupKey: 'k',
    resolves: false,
    data: {},
  };
  const csv = eventsToCsv([e]);
  assert.equal(
    csv,
    `id,at,kind,severity,host,method,path,summary,dedupKey,resolves\r\nx1,2026-01-01T00:00:00.000Z,endpoint-new,info,a.example,GET,"/a,""b""","'=HYPERLINK(""http://x"")",k,false\r\n`,
  );
  const lines = eventsToJsonLines([e, { ...e, id: 'x2' }])
    .trim()
    .split('\n');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { id: string }).id),
    ['x1', 'x2'],
  );
});
