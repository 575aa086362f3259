import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConformance } from './conformance.ts';
import { classifyEndpoints } from './endpoint-classes.ts';
import type { InventoryEndpoint } from './model.ts';
import { parseSpec } from './spec-parse.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const ep = (method: string, path: string, lastSeen: number, over: Partial<InventoryEndpoint> = {}): InventoryEndpoint => ({
  host: 'a.example',
  method,
  path,
  count: 5,
  firstSeen: lastSeen - DAY,
  lastSeen,
  statusCounts: { '200': 5 },
  params: [],
  requestBodies: [],
  responses: {},
  auth: [],
  findings: [],
  ...over,
});

test('shadow, zombie (deprecated, superseded, dormant) and orphaned (never called, no longer called, no owner) with evidence', async () => {
  const spec = await parseSpec(
    `openapi: 3.1.0
info: { title: A, version: '1' }
paths:
  /v1/a: { get: { deprecated: true, responses: { '200': { description: ok } } } }
  /v2/a: { get: { responses: { '200': { description: ok } } } }
  /old: { get: { responses: { '200': { description: ok } } } }
  /never: { get: { responses: { '200': { description: ok } } } }
`,
    { name: 'a.yaml' },
  );
  const endpoints = [
    ep('GET', '/v1/a', NOW - DAY, { owner: 'team-a' }),
    ep('GET', '/v2/a', NOW - DAY, { owner: 'team-a' }),
    ep('GET', '/old', NOW - 90 * DAY, { owner: 'team-b' }),
    ep('POST', '/hidden', NOW - DAY),
  ];
  const report = checkConformance(endpoints, [spec], { now: NOW });
  const classes = classifyEndpoints(endpoints, report, { now: NOW, dormantAfterMs: 30 * DAY, ownersTracked: true });
  const flat = classes.flatMap((c) => c.classes.map((x) => `${c.method} ${c.path} ${x.class}:${x.reason}`)).sort();
  assert.deepEqual(flat, [
    'GET /never orphaned:never-called',
    'GET /old orphaned:no-longer-called',
    'GET /old zombie:dormant',
    'GET /v1/a zombie:deprecated',
    'GET /v1/a zombie:superseded',
    'POST /hidden orphaned:no-owner',
    'POST /hidden shadow:no-spec',
  ]);
  assert.match(classes.find((c) => c.path === '/old')?.classes[0]?.detail ?? '', /silent for 90 days/);
});
