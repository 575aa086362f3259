// The flow graph's client grouping as a pure function: by network, organisation (ASN) or country,
// with the networks of each group (what a one-click mitigation matches) and totals that add up;
// and its destination column (the upstream networks each endpoint's calls went to).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlowGraph, MAX_GROUP_NETWORKS, type ClientGrouping } from './flow-graph.ts';
import type { ClientGeo } from './client-geo.ts';
import type { FlowRow } from './event-queries.ts';

const row = (clientIp: string, requests: number, upstreamIp = ''): FlowRow => ({
  clientIp,
  upstreamIp,
  gatewayId: 'edge-1',
  host: 'shop.example.com',
  endpointId: 'e1',
  requests,
  blocked: 0,
  rateLimited: 0,
  errors: 0,
  sensitive: 0,
});

/** Two networks of one organisation in two countries, one unknown to geo, one internal. */
const GEO: Record<string, ClientGeo> = {
  '8.8.8.8': { country: 'US', asn: 15169, org: 'Google LLC' },
  '8.34.208.1': { country: 'NL', asn: 15169, org: 'Google LLC' },
  '10.0.0.1': { country: 'internal' },
};
const ROWS = [row('8.8.8.8', 5), row('8.34.208.1', 3), row('192.0.2.9', 2), row('10.0.0.1', 1), row('not-an-ip', 4)];

function clients(grouping: ClientGrouping, rows = ROWS) {
  const g = buildFlowGraph({
    rows,
    labels: new Map([['e1', { id: 'e1', host: 'shop.example.com', method: 'GET', pathTemplate: '/a' }]]),
    geoOf: (ip) => GEO[ip],
    clients: grouping,
    windowMs: 60_000,
    truncated: false,
  });
  const nodes = g.nodes.filter((n) => n.kind === 'client');
  assert.equal(
    nodes.reduce((a, n) => a + n.requests, 0),
    rows.reduce((a, r) => a + r.requests, 0),
    'every request is in some client node',
  );
  return new Map(nodes.map((n) => [n.id, n]));
}

test('grouped by network: one node per /24 with its ASN, organisation and country', () => {
  const c = clients('network');
  assert.deepEqual(c.get('client:8.8.8.0/24'), {
    id: 'client:8.8.8.0/24',
    kind: 'client',
    label: '8.8.8.0/24 · US',
    detail: '8.8.8.0/24',
    networks: ['8.8.8.0/24'],
    country: 'US',
    asn: 15169,
    org: 'Google LLC',
    requests: 5,
  });
  assert.equal(c.get('client:192.0.2.0/24')?.label, '192.0.2.0/24', 'no geo: the network alone');
  assert.equal(c.get('client:other')?.requests, 4, 'what is not an address is folded into other clients');
});

test('grouped by organisation: one node per ASN holding all its networks, busiest first', () => {
  const c = clients('organisation');
  const google = c.get('client:AS15169')!;
  assert.equal(google.label, 'AS15169 Google LLC');
  assert.equal(google.requests, 8);
  assert.deepEqual(google.networks, ['8.8.8.0/24', '8.34.208.0/24']);
  assert.equal(google.detail, undefined);
  assert.equal(c.get('client:internal')?.label, 'internal networks');
  assert.equal(c.get('client:192.0.2.0/24')?.detail, '192.0.2.0/24', 'an address without an ASN stays its network');
});

test('grouped by country: one node per country code', () => {
  const c = clients('country');
  assert.equal(c.get('client:country:US')?.label, 'US');
  assert.equal(c.get('client:country:NL')?.requests, 3);
  assert.equal(c.get('client:country:US')?.org, undefined, 'a country is not one organisation');
});

test(`a group of more than ${MAX_GROUP_NETWORKS} networks carries none: a mitigation must not match only some`, () => {
  const many = Array.from({ length: MAX_GROUP_NETWORKS + 1 }, (_, i) => `8.8.${i}.1`);
  for (const ip of many) GEO[ip] = { country: 'US', asn: 15169, org: 'Google LLC' };
  assert.equal(
    clients(
      'organisation',
      many.map((ip) => row(ip, 1)),
    ).get('client:AS15169')?.networks,
    undefined,
  );
});

test('destinations: each endpoint leads to the upstream networks it was sent to, with their geography', () => {
  const g = buildFlowGraph({
    rows: [row('8.8.8.8', 5, '10.0.0.7'), row('8.8.8.8', 2, '8.8.8.9'), row('192.0.2.9', 3, ''), row('192.0.2.9', 1, 'bogus')],
    labels: new Map([['e1', { id: 'e1', host: 'shop.example.com', method: 'GET', pathTemplate: '/a' }]]),
    geoOf: (ip) => (ip === '10.0.0.7' ? { country: 'internal' } : (GEO[ip] ?? (ip === '8.8.8.9' ? GEO['8.8.8.8'] : undefined))),
    windowMs: 60_000,
    truncated: false,
  });
  const dest = new Map(g.nodes.filter((n) => n.kind === 'destination').map((n) => [n.id, n]));
  assert.deepEqual(dest.get('destination:10.0.0.0/24'), {
    id: 'destination:10.0.0.0/24',
    kind: 'destination',
    label: '10.0.0.0/24 · internal',
    detail: '10.0.0.0/24',
    country: 'internal',
    requests: 5,
  });
  assert.deepEqual(
    [dest.get('destination:8.8.8.0/24')?.org, dest.get('destination:8.8.8.0/24')?.asn, dest.get('destination:8.8.8.0/24')?.requests],
    ['Google LLC', 15169, 2],
  );
  assert.equal(dest.get('destination:none')?.requests, 4, 'no upstream, or one that is not an address');
  assert.equal(
    [...dest.values()].reduce((a, n) => a + n.requests, 0),
    11,
    'every request is in some destination node',
  );
  const fromEndpoint = g.edges.filter((e) => e.from === 'endpoint:e1').map((e) => [e.to, e.requests]);
  assert.deepEqual(
    new Map(fromEndpoint as [string, number][]),
    new Map([
      ['destination:10.0.0.0/24', 5],
      ['destination:8.8.8.0/24', 2],
      ['destination:none', 4],
    ]),
  );
});

test('destinations past the limit are folded into one node', () => {
  const rows = Array.from({ length: 5 }, (_, i) => row('8.8.8.8', 10 - i, `203.0.${i}.1`));
  const g = buildFlowGraph({
    rows,
    labels: new Map([['e1', { id: 'e1', host: 'shop.example.com', method: 'GET', pathTemplate: '/a' }]]),
    windowMs: 60_000,
    truncated: false,
    limits: { clients: 12, endpoints: 40, destinations: 3 },
  });
  const dest = g.nodes.filter((n) => n.kind === 'destination').map((n) => [n.id, n.requests]);
  assert.deepEqual(
    dest,
    [
      ['destination:203.0.0.0/24', 10],
      ['destination:203.0.1.0/24', 9],
      ['destination:203.0.2.0/24', 8],
      ['destination:other', 13],
    ].sort((a, b) => (b[1] as number) - (a[1] as number)),
  );
});
