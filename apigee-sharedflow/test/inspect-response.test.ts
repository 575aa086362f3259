// JS-InspectResponse and JS-AcceptRules in Node and real Rhino: response verdicts (mask, replace,
// whole-response block), the completed event sent without waiting, and how the control plane's
// answer to GET /v1/rules is accepted, kept or retried.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOUBLES, policyFiles } from './lib/bundle-fixture.ts';
import { requestState, type PolicyResult, type PolicyRunner, type PolicyState } from './lib/policy-runner.ts';
import { CARD, rulesWith, type Json } from './lib/rules.ts';
import { RUNTIMES } from './lib/runtimes.ts';

const v = (r: PolicyResult, name: string) => r.state.variables[name];

const REQUEST_EVENT = {
  id: '1',
  timestampMs: '1767225599000',
  requestId: 'rrt-test-1',
  host: 'api.example.com',
  method: 'GET',
  path: '/v1/cards/1',
  status: 0,
  findings: [],
  verdict: {
    action: 'ACTION_UNSPECIFIED',
    mode: 'MODE_UNSPECIFIED',
    policyId: '',
    enforced: false,
    status: 0,
    reason: '',
    direction: 'DIRECTION_REQUEST',
  },
  rulesVersion: '7',
};

function responseState(body: string, policies: Json[], detectors = true, contentType = 'application/json'): PolicyState {
  const s = requestState(
    { path: '/v1/cards/1' },
    { 'palisade.phase': 'request', 'palisade.event': JSON.stringify(REQUEST_EVENT), 'private.palisade.gateway.token': 't' },
  );
  s.variables['palisade.rules.json'] = rulesWith(policies, {}, { detectors });
  s.response = { status: 200, headers: [['Content-Type', contentType]], content: body };
  return s;
}

const block = (style: string) => ({
  id: 'leak',
  action: 'ACTION_BLOCK',
  mode: 'MODE_ENFORCE',
  match: { findingTypes: ['credit_card'], findingDirection: 'DIRECTION_RESPONSE' },
  block: { status: 502, body: '{"error":"redacted"}', responseStyle: style },
});

for (const rt of RUNTIMES) {
  describe(`JS-InspectResponse in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());
    const run = (s: PolicyState, doubles: string[] = []) => runner.run(policyFiles('palisade-inspect-response.js', doubles), s);
    const body = JSON.stringify({ id: 1, card: { number: CARD, holder: 'A. Person' } });

    it('MASK overwrites the card number in the body and reports the exchange', async () => {
      const r = await run(responseState(body, [block('RESPONSE_BLOCK_STYLE_MASK')]));
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.phase'), 'response');
      assert.equal(v(r, 'palisade.response.verdict'), 'BLOCK');
      assert.equal(v(r, 'palisade.response.block.enforce'), false);
      const masked = r.state.response?.content ?? '';
      assert.ok(!masked.includes(CARD), masked);
      assert.equal(masked.length, body.length);
      assert.match(masked, /"number":"4539\*+6467"/);
      assert.equal(r.state.sent.length, 1);
      assert.equal(r.state.sent[0]!.waited, false);
      const batch = JSON.parse(r.state.sent[0]!.body ?? '') as { events: (Json & { verdict: Json; findings: Json[] })[] };
      const e = batch.events[0]!;
      assert.equal(e.status, 200);
      assert.equal(e.latencyUs, 1000 * 1000);
      assert.equal(e.verdict.reason, 'finding:credit_card:masked');
      assert.equal(e.verdict.direction, 'DIRECTION_RESPONSE');
      assert.ok(e.findings.some((f) => f.type === 'credit_card'));
      assert.ok(!r.state.sent[0]!.body!.includes(CARD));
    });

    it('REPLACE_BODY keeps the status and replaces the body', async () => {
      const r = await run(responseState(body, [block('RESPONSE_BLOCK_STYLE_REPLACE_BODY')]));
      assert.equal(r.state.response?.content, '{"error":"redacted"}');
      assert.equal(r.state.response?.status, 200);
      assert.equal(v(r, 'palisade.response.block.enforce'), false);
    });

    it('ERROR asks RF-BlockResponse to replace the whole response', async () => {
      const r = await run(responseState(body, [block('RESPONSE_BLOCK_STYLE_ERROR')]));
      assert.equal(v(r, 'palisade.response.block.enforce'), true);
      assert.equal(v(r, 'palisade.block.status'), 502);
      assert.equal(v(r, 'palisade.block.body'), '{"error":"redacted"}');
      assert.equal(r.state.response?.content, body, 'the body is left to RaiseFault');
    });

    it('a clean response is reported with status, sizes and shape, untouched', async () => {
      const r = await run(responseState('{"ok":true,"items":[{"id":1}]}', [block('RESPONSE_BLOCK_STYLE_MASK')], false));
      assert.equal(v(r, 'palisade.response.verdict'), 'ALLOW');
      assert.equal(r.state.response?.content, '{"ok":true,"items":[{"id":1}]}');
      const e = (JSON.parse(r.state.sent[0]!.body ?? '') as { events: Json[] }).events[0] as Json & { responseShape: { fields: Json[] } };
      assert.equal(e.responseBytes, '30');
      assert.deepEqual(
        e.responseShape.fields.map((f) => f.path),
        ['$.ok', '$.items', '$.items[]', '$.items[].id'],
      );
    });

    it('the target that answered (target.ip) is reported as the destination IP', async () => {
      const sentEvent = async (targetIp: unknown) => {
        const s = responseState('{"ok":true}', [], false);
        if (targetIp !== undefined) s.variables['target.ip'] = targetIp;
        const r = await run(s);
        assert.equal(r.error, null);
        return (JSON.parse(r.state.sent[0]!.body ?? '') as { events: Json[] }).events[0]!;
      };
      assert.equal((await sentEvent('203.0.113.80')).upstreamIp, '203.0.113.80');
      assert.equal((await sentEvent('2001:db8::80')).upstreamIp, '2001:db8::80');
      assert.equal((await sentEvent(undefined)).upstreamIp, undefined, 'no target called, no destination');
      assert.equal((await sentEvent('backend.internal')).upstreamIp, undefined, 'a name is not an address');
    });

    it('over its time budget it leaves the body alone, fails open and reports why', async () => {
      const s = responseState(body, [block('RESPONSE_BLOCK_STYLE_MASK')], false);
      s.properties.timeBudgetMs = '40';
      s.variables['test.detect.delayms'] = '80';
      const r = await run(s, [DOUBLES.slowDetect]);
      assert.equal(r.error, null);
      assert.doesNotMatch(String(v(r, 'test.detect.calls') ?? ''), /body/);
      assert.equal(v(r, 'palisade.error'), 'time-budget-exceeded');
      assert.equal(r.state.response?.content, body);
      const e = (JSON.parse(r.state.sent[0]!.body ?? '') as { events: Json[] }).events[0] as Json & { responseShape: Json };
      assert.equal(e.responseShape.notInspectedReason, 'time-budget');
    });

    it('without a request event (request pass did not run) it reports nothing and does not fail', async () => {
      const s = responseState(body, [], false);
      delete s.variables['palisade.event'];
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(r.state.sent.length, 0);
    });
  });

  describe(`JS-AcceptRules in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());
    const run = (variables: Json) => runner.run(policyFiles('palisade-accept-rules.js'), requestState({}, variables));
    const good = rulesWith([{ id: 'p', action: 'ACTION_LOG' }], {}, { version: '12' });

    it('accepts a valid 200 with its ETag for the cache, fresh for rulesRefreshSeconds', async () => {
      const r = await run({ palisadeRulesResponse: { status: 200, content: good, headers: [['ETag', '"v12"']] } });
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.update'), true);
      // Cached in the engine's ready form (checked once here), which the inspection then uses.
      const cached = String(v(r, 'palisade.rules.json'));
      assert.match(cached, /^PALISADE-READY\/3\n/);
      assert.equal(v(r, 'palisade.rules.etag'), '"v12"');
      assert.equal(v(r, 'palisade.rules.fresh.ttl'), 60);
      const inspected = await runner.run(policyFiles('palisade-inspect-request.js'), requestState({}, { 'palisade.rules.json': cached }));
      assert.equal(inspected.error, null);
      assert.equal(inspected.state.variables['palisade.rules.source'], 'control-plane');
      assert.equal(inspected.state.variables['palisade.rules.version'], '12');
      assert.equal(inspected.state.variables['palisade.rules.error'], undefined);
    });

    it('refuses a 200 whose tables are malformed, keeping the cached set', async () => {
      const broken = JSON.stringify({ ...(JSON.parse(good) as Json), automata: [{ kind: 'AUTOMATON_KIND_SEARCH', byteClasses: 'AAAA' }] });
      const r = await run({ 'palisade.rules.json': good, palisadeRulesResponse: { status: 200, content: broken, headers: [] } });
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.update'), false);
      assert.equal(v(r, 'palisade.rules.fetch.error'), 'invalid-rules:bad-tables');
      assert.equal(v(r, 'palisade.rules.json'), good);
      assert.equal(v(r, 'palisade.rules.fresh.ttl'), 10);
    });

    it('keeps the cached set on 304', async () => {
      const r = await run({ 'palisade.rules.json': good, palisadeRulesResponse: { status: 304, content: '', headers: [] } });
      assert.equal(v(r, 'palisade.rules.update'), false);
      assert.equal(v(r, 'palisade.rules.fresh.ttl'), 60);
    });

    it('on 304 without a cached set, forgets the ETag so the next fetch is complete', async () => {
      const r = await run({ 'palisade.rules.etag': '"v12"', palisadeRulesResponse: { status: 304, content: '', headers: [] } });
      assert.equal(v(r, 'palisade.rules.etag'), 'none');
      assert.equal(v(r, 'palisade.rules.fresh.ttl'), 1);
    });

    it('control plane unreachable: keeps what it has, retries after rulesRetrySeconds', async () => {
      const r = await run({ 'palisade.rules.json': good });
      assert.equal(v(r, 'palisade.rules.update'), false);
      assert.equal(v(r, 'palisade.rules.fetch.error'), 'unreachable');
      assert.equal(v(r, 'palisade.rules.fresh.ttl'), 10);
      assert.equal(v(r, 'palisade.rules.json'), good);
    });

    it('refuses a corrupt 200 body and a 5xx', async () => {
      const corrupt = await run({ palisadeRulesResponse: { status: 200, content: '<html>', headers: [] } });
      assert.equal(v(corrupt, 'palisade.rules.update'), false);
      assert.equal(v(corrupt, 'palisade.rules.fetch.error'), 'invalid-rules:not-json');
      const down = await run({ palisadeRulesResponse: { status: 503, content: '', headers: [] } });
      assert.equal(v(down, 'palisade.rules.fetch.error'), 'status:503');
    });
  });
}
