import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ADMIT_ALL, aggregateEvents, relabelAggregates, type ObservedEvent } from './endpoint-aggregate.ts';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);

function observed(fields: [string, string][], jwtAlg = ''): ObservedEvent {
  return {
    timestampMs: T,
    status: 200,
    latencyUs: 900,
    requestBytes: 1,
    responseBytes: 2,
    clientIp: '203.0.113.9',
    upstreamIp: '',
    authScheme: 'AUTH_SCHEME_JWT',
    jwtAlg,
    blocked: false,
    params: fields.map(([name, format]) => ({ location: 'query' as const, name, type: 'JSON_TYPE_STRING', format })),
    fields: [],
    findings: [{ type: 'email', category: 'DATA_CATEGORY_PII', direction: 'DIRECTION_RESPONSE', valueHash: 'ab' }],
  };
}

describe('relabelAggregates', () => {
  // Labels 0 and 1 are two keys the inventory resolved to the same endpoint (a re-templating).
  const agg = () =>
    aggregateEvents([observed([['q', 'email']], 'RS256'), observed([['secret', 'uuid']]), observed([['q', '']])], ['0', '0', '1'], {
      isInternal: () => false,
      admitField: ADMIT_ALL,
    });

  it('puts the endpoint id of its label on every row', () => {
    const out = relabelAggregates(agg(), (label) => ({ '0': 'ep-a', '1': 'ep-a' })[label]!, ADMIT_ALL);
    const ids = [...out.minutes, ...out.endpoints, ...out.fields, ...out.findings, ...out.observations].map((r) => r.endpointId);
    assert.ok(ids.length > 5);
    assert.deepEqual(new Set(ids), new Set(['ep-a']));
    assert.equal(
      out.endpoints.reduce((n, e) => n + e.requests, 0),
      3,
    );
  });

  it('drops a field the bound refuses with its format counts, and counts it', () => {
    const asked: string[] = [];
    const out = relabelAggregates(
      agg(),
      (label) => `ep-${label}`,
      (endpointId, location, name) => {
        asked.push(`${endpointId} ${location} ${name}`);
        return name !== 'secret';
      },
    );
    assert.deepEqual(asked.sort(), ['ep-0 query q', 'ep-0 query secret', 'ep-1 query q']);
    assert.deepEqual(out.fields.map((f) => `${f.endpointId} ${f.name} ${f.count}`).sort(), ['ep-0 q 1', 'ep-1 q 1']);
    assert.deepEqual(out.observations.map((o) => `${o.endpointId} ${o.kind} ${o.name} ${o.value}`).sort(), [
      'ep-0 format q email',
      'ep-0 jwt_alg  RS256',
    ]);
    assert.equal(out.fieldsDropped, 1);
  });
});

describe('value-hash sketches', () => {
  const withValue = (clientIp: string, name: string, hash: string, value: string): ObservedEvent => ({
    ...observed([]),
    clientIp,
    params: [{ location: 'query', name, type: 'JSON_TYPE_STRING', format: '', valueHash: hash, value }],
  });
  const agg = () =>
    aggregateEvents(
      [
        withValue('198.51.100.1', 'view', 'aa', 'full'),
        withValue('198.51.100.2', 'view', 'aa', 'full'),
        withValue('198.51.100.3', 'sort', 'bb', 'asc'),
      ],
      ['0', '0', '0'],
      { isInternal: () => false, admitField: ADMIT_ALL },
    );

  it('counts each hash with the client bits that sent it, and keeps a value only for a released hash', () => {
    const out = relabelAggregates(
      agg(),
      () => 'ep-a',
      ADMIT_ALL,
      (id, hash) => id === 'ep-a' && hash === 'aa',
    );
    const byHash = new Map(out.fieldValues.map((v) => [v.hash, v]));
    assert.equal(byHash.get('aa')!.count, 2);
    assert.equal(byHash.get('aa')!.value, 'full');
    assert.equal(byHash.get('bb')!.value, '', 'not released: the reported value is dropped');
    assert.equal(byHash.get('bb')!.endpointId, 'ep-a');
  });

  it('keeps no value by default, and none of a field the bound refuses', () => {
    const out = relabelAggregates(
      agg(),
      () => 'ep-a',
      (_id, _loc, name) => name !== 'sort',
    );
    assert.deepEqual(
      out.fieldValues.map((v) => `${v.name} ${v.hash} ${v.value}`),
      ['view aa '],
    );
  });
});
