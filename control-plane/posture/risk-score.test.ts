import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointAttributes } from './endpoint-attributes.ts';
import type { InventoryEndpoint } from './model.ts';
import { applyRiskModelChange, INITIAL_RISK_MODEL, RiskModelError } from './risk-model.ts';
import { riskScorer } from './risk-score.ts';

const T0 = Date.UTC(2026, 0, 1);
const base: InventoryEndpoint = {
  host: 'a.example',
  method: 'GET',
  path: '/cards/{id}',
  count: 100,
  firstSeen: T0,
  lastSeen: T0,
  statusCounts: { '200': 90, '500': 10 },
  params: [],
  requestBodies: [],
  responses: {},
  auth: [{ scheme: 'jwt', count: 100, jwtAlgs: { RS256: 100 } }],
  findings: [],
  external: true,
};

test('a quiet internal endpoint with strong auth scores 0 with an empty breakdown', () => {
  const e = { ...base, external: false, statusCounts: { '200': 100 } };
  const r = riskScorer(INITIAL_RISK_MODEL)(e, endpointAttributes(e));
  assert.deepEqual(r, { score: 0, modelVersion: 1, breakdown: [] });
});

test('card data, JWT alg:none, exposure, shadow, errors and stack traces add up, each factor visible', () => {
  const e: InventoryEndpoint = {
    ...base,
    auth: [{ scheme: 'jwt', count: 100, jwtAlgs: { none: 3, RS256: 97 } }],
    findings: [
      { type: 'credit_card', category: 'pci', direction: 'response', count: 2000, distinct: 1500 },
      { type: 'java_stack_trace', category: 'errors', direction: 'response', count: 4 },
    ],
  };
  const r = riskScorer(INITIAL_RISK_MODEL)(e, endpointAttributes(e, ['shadow'], 0));
  const points = Object.fromEntries(r.breakdown.map((b) => [b.factor, b.points]));
  assert.deepEqual(points, {
    'sensitive-data': 35,
    'weak-auth': 25,
    'stack-trace-leak': 15,
    'external-exposure': 10,
    shadow: 10,
    'error-rate': 5,
  });
  assert.equal(r.score, 100);
  assert.match(r.breakdown.find((b) => b.factor === 'weak-auth')?.evidence ?? '', /alg:none/);
});

test('custom factors apply at once, are versioned, and bad conditions are refused with the path', () => {
  const m2 = applyRiskModelChange(
    INITIAL_RISK_MODEL,
    {
      op: 'upsert-factor',
      factor: {
        id: 'pci-scope',
        category: 'compliance',
        name: 'PCI scope path',
        weight: 20,
        condition: {
          all: [{ attr: 'path', op: 'matches', value: '^/cards' }, { not: { attr: 'tags', op: 'contains', value: 'pci-reviewed' } }],
        },
      },
    },
    T0,
  );
  assert.equal(m2.version, 2);
  assert.equal(INITIAL_RISK_MODEL.custom.length, 0, 'the previous version is untouched');
  const e = { ...base, statusCounts: { '200': 100 } };
  const r = riskScorer(m2)(e, endpointAttributes(e));
  assert.deepEqual(
    r.breakdown.map((b) => `${b.factor}:${b.points}:${b.custom}`),
    ['pci-scope:20:true', 'external-exposure:10:false'],
  );
  assert.equal(r.modelVersion, 2);
  const reviewed = { ...e, tags: ['pci-reviewed'] };
  assert.equal(riskScorer(m2)(reviewed, endpointAttributes(reviewed)).score, 10);
  const m3 = applyRiskModelChange(m2, { op: 'set-weight', id: 'external-exposure', weight: 0 }, T0);
  assert.equal(riskScorer(m3)(e, endpointAttributes(e)).score, 20);
  const bad = (condition: unknown) => () =>
    applyRiskModelChange(m2, { op: 'upsert-factor', factor: { id: 'x', category: 'c', name: 'n', weight: 5, condition } }, T0);
  assert.throws(
    bad({ attr: 'nope', op: 'eq', value: 1 }),
    (e: unknown) => e instanceof RiskModelError && e.path === 'factor.condition.attr',
  );
  assert.throws(
    bad({ any: [{ attr: 'count', op: 'gt', value: 'many' }] }),
    (e: unknown) => e instanceof RiskModelError && e.path === 'factor.condition.any[0].value',
  );
  assert.throws(bad({ attr: 'tags', op: 'eq', value: 'x' }), /use "contains"/);
  assert.throws(bad({ attr: 'path', op: 'matches', value: '(' }), /not a valid regular expression/);
  assert.throws(
    () =>
      applyRiskModelChange(
        m2,
        {
          op: 'upsert-factor',
          factor: { id: 'shadow', category: 'c', name: 'n', weight: 5, condition: { attr: 'shadow', op: 'eq', value: true } },
        },
        T0,
      ),
    /built-in/,
  );
  assert.throws(() => applyRiskModelChange(m2, { op: 'remove-factor', id: 'missing' }, T0), /no custom factor/);
});

test('unusual geography counts only traffic from countries outside the expected set', () => {
  const m = applyRiskModelChange(INITIAL_RISK_MODEL, { op: 'set-expected-countries', countries: ['FR', 'DE'] }, T0);
  const e = { ...base, external: false, statusCounts: { '200': 100 }, clientCountries: { FR: 80, internal: 10, KP: 10 } };
  const r = riskScorer(m)(e, endpointAttributes(e));
  assert.deepEqual(
    r.breakdown.map((b) => [b.factor, b.points, b.evidence]),
    [['unusual-geography', 2.5, '10 calls from KP']],
  );
});
