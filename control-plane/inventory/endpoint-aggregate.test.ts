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
