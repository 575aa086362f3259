// Enums from runtime in the Apigee policies (docs/posture.md), in Node and real Rhino: with the
// KVM's hash key, request and response body fields and query parameters carry value_hash; the
// literal value goes along only for a hash the cached rules release for this endpoint; a bad
// release list refuses the cached rules (the built-ins take over); no key, no hashes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { policyFiles } from './lib/bundle-fixture.ts';
import { requestState, type PolicyResult, type PolicyRunner, type PolicyState } from './lib/policy-runner.ts';
import { rulesWith, type Json } from './lib/rules.ts';
import { RUNTIMES } from './lib/runtimes.ts';
import { valueHashHex, type ValueLocation } from '../../test/lib/value-hash.ts';

const KEY = '000102030405060708090a0b0c0d0e0f';
const hash = (location: ValueLocation, path: string, value: string) => valueHashHex(KEY, location, path, value);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const fixed64 = (hex: string) => Buffer.from(hex, 'hex').readBigUInt64LE(0);

/** ValueRelease for GET api.example.com/v1/orders/{id}, hashes ascending as the control plane sends them. */
function release(hexes: string[], path = '/v1/orders/{id}'): Json {
  const sorted = hexes.map(fixed64).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { endpoint: { hosts: ['api.example.com'], methods: ['GET'], paths: [path] }, hashes: sorted.map(String) };
}

function rules(releases: Json[]): string {
  return JSON.stringify({ ...(JSON.parse(rulesWith([])) as Json), valueReleases: releases, releasesDigest: 'd1' });
}

type Valued = { path?: string; name?: string; valueHash?: string; value?: string };
const byKey = (list: Valued[] | undefined) => new Map((list ?? []).map((f) => [f.path ?? f.name!, f]));

function requestWith(path: string, query: string, releases: Json[], key: string | null): PolicyState {
  const s = requestState(
    {
      verb: 'GET',
      path,
      querystring: query,
      headers: [
        ['Host', 'api.example.com'],
        ['Content-Type', 'application/json'],
      ],
      content: '{"mode":"fast","day":"2026-12-05"}',
    },
    { 'private.palisade.gateway.token': 't' },
  );
  if (key !== null) s.variables['private.palisade.hash.key'] = key;
  s.variables['palisade.rules.json'] = rules(releases);
  return s;
}

const BODY = JSON.stringify({ status: 'active', kind: 'pending', note: 'two words', items: [{ state: 'x' }, { state: 'y' }] });

for (const rt of RUNTIMES) {
  describe(`enums from runtime in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());
    const request = (s: PolicyState) => runner.run(policyFiles('palisade-inspect-request.js'), s);
    const event = (r: PolicyResult) =>
      JSON.parse(String(r.state.variables['palisade.event'])) as Json & { params: Valued[]; requestShape: { fields: Valued[] } };

    it('request: hashes of first token-like values; values only for hashes released on this endpoint', async () => {
      const released = [release([hash('query', 'view', 'full'), hash('request', '$.mode', 'fast')])];
      let r = await request(requestWith('/v1/orders/7', 'view=full&sort=asc', released, KEY));
      assert.equal(r.error, null);
      assert.equal(r.state.variables['palisade.rules.source'], 'control-plane');
      let e = event(r);
      let params = byKey(e.params);
      let fields = byKey(e.requestShape.fields);
      assert.deepEqual(params.get('view'), {
        name: 'view',
        in: 'FIELD_KIND_QUERY',
        type: 'JSON_TYPE_STRING',
        format: '',
        valueHash: b64(hash('query', 'view', 'full')),
        value: 'full',
      });
      assert.equal(params.get('sort')?.valueHash, b64(hash('query', 'sort', 'asc')));
      assert.equal(params.get('sort')?.value, undefined, 'not released');
      assert.equal(fields.get('$.mode')?.value, 'fast');
      assert.equal(fields.get('$.day')?.valueHash, undefined, 'a date is a format, not an enum value');

      r = await request(requestWith('/v1/users/7', 'view=full', released, KEY));
      e = event(r);
      params = byKey(e.params);
      fields = byKey(e.requestShape.fields);
      assert.equal(params.get('view')?.valueHash, b64(hash('query', 'view', 'full')));
      assert.equal(params.get('view')?.value, undefined, 'released for another endpoint');
      assert.equal(fields.get('$.mode')?.value, undefined, 'released for another endpoint');
    });

    it('without a hash key (or under the all-zero key): no value hashes at all', async () => {
      for (const key of [null, '00000000000000000000000000000000']) {
        const r = await request(requestWith('/v1/orders/7', 'view=full', [release([hash('query', 'view', 'full')])], key));
        const e = event(r);
        assert.ok(!JSON.stringify(e.params).includes('valueHash'), `key ${key}`);
        assert.ok(!JSON.stringify(e.requestShape).includes('valueHash'), `key ${key}`);
      }
    });

    it('a release list out of order or without an endpoint refuses the cached rules', async () => {
      const reversed = release([hash('query', 'view', 'full'), hash('query', 'view', 'brief')]);
      (reversed.hashes as string[]).reverse();
      for (const bad of [reversed, { endpoint: { paths: ['/v1/orders/{id}'] }, hashes: [] }]) {
        const r = await request(requestWith('/v1/orders/7', 'view=full', [bad], KEY));
        assert.equal(r.state.variables['palisade.rules.source'], 'builtin');
        assert.equal(r.state.variables['palisade.rules.error'], 'bad-value-releases');
      }
    });

    it('response: body fields hashed at location `o`, the first array element, released values sent', async () => {
      const s = requestWith('/v1/orders/7', '', [release([hash('response', '$.status', 'active')])], KEY);
      s.variables['palisade.phase'] = 'request';
      s.variables['palisade.event'] = JSON.stringify({
        id: '1',
        host: 'api.example.com',
        method: 'GET',
        path: '/v1/orders/7',
        findings: [],
        verdict: {},
      });
      s.response = { status: 200, headers: [['Content-Type', 'application/json']], content: BODY };
      const r = await runner.run(policyFiles('palisade-inspect-response.js'), s);
      assert.equal(r.error, null);
      const batch = JSON.parse(r.state.sent[0]!.body ?? '') as { events: { responseShape: { fields: Valued[] } }[] };
      const fields = byKey(batch.events[0]!.responseShape.fields);
      assert.equal(fields.get('$.status')?.value, 'active');
      assert.equal(fields.get('$.kind')?.valueHash, b64(hash('response', '$.kind', 'pending')));
      assert.equal(fields.get('$.kind')?.value, undefined, 'not released');
      assert.equal(fields.get('$.items[].state')?.valueHash, b64(hash('response', '$.items[].state', 'x')), 'the first element');
      assert.equal(fields.get('$.note')?.valueHash, undefined, 'not token-like');
    });
  });
}
