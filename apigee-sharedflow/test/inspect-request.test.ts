// JS-InspectRequest as Apigee runs it (the bundled files, the Apigee-like object model), in Node
// and in real Rhino: verdict variables for RaiseFault / SpikeArrest / Quota, findings, events,
// fallback to the embedded rules, failure modes, bad bodies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOUBLES, PATHS, policyFiles } from './lib/bundle-fixture.ts';
import { readyFormOf } from '../tools/bundle.ts';
import { requestState, type PolicyResult, type PolicyRunner, type PolicyState } from './lib/policy-runner.ts';
import { CARD, rulesWith, type Json } from './lib/rules.ts';
import { RUNTIMES } from './lib/runtimes.ts';

const MAIN = 'palisade-inspect-request.js';
const TOKEN = 'gw-token-123';

function withRules(state: PolicyState, policies: Json[], settings: Json = {}, detectors = false): PolicyState {
  state.variables['palisade.rules.json'] = rulesWith(policies, settings, { detectors });
  state.variables['private.palisade.gateway.token'] = TOKEN;
  return state;
}

const v = (r: PolicyResult, name: string) => r.state.variables[name];
const event = (r: PolicyResult) => JSON.parse(String(v(r, 'palisade.event'))) as Json & { verdict: Json; requestShape: Json; auth: Json };

const jsonBody = (body: Json) => ({
  verb: 'POST',
  headers: [
    ['Host', 'api.example.com'],
    ['Content-Type', 'application/json'],
  ] as [string, string][],
  content: JSON.stringify(body),
});

for (const rt of RUNTIMES) {
  describe(`JS-InspectRequest in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());
    const run = (state: PolicyState, doubles: string[] = []) => runner.run(policyFiles(MAIN, doubles), state);

    it('with no cached rules, uses the embedded built-ins and lets the request through', async () => {
      const r = await run(requestState());
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.source'), 'builtin');
      assert.equal(v(r, 'palisade.rules.error'), 'missing');
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
      assert.equal(v(r, 'palisade.block.enforce'), false);
      assert.equal(v(r, 'palisade.phase'), 'request');
      const e = event(r);
      assert.equal(e.method, 'GET');
      assert.equal(e.path, '/v1/items');
      assert.equal(e.host, 'api.example.com');
      assert.equal(e.clientIp, '203.0.113.7');
      assert.equal(r.state.sent.length, 0, 'an allowed request is reported by the response pass');
    });

    it('with corrupt cached rules, falls back to the built-ins and still inspects', async () => {
      const s = requestState(jsonBody({ card_number: CARD }));
      s.variables['palisade.rules.json'] = '{"version":"9","policies":[{"id":';
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.source'), 'builtin');
      assert.equal(v(r, 'palisade.rules.error'), 'not-json');
      assert.ok(Number(v(r, 'palisade.findings.count')) >= 1);
    });

    it('cached rules whose detection tables the engine refuses: the built-ins take over', async () => {
      const s = requestState(jsonBody({ card_number: CARD }));
      const rules = JSON.parse(rulesWith([{ id: 'log-all', action: 'ACTION_LOG', match: {} }], {}, { detectors: true })) as Json & {
        automata: Json[];
      };
      assert.ok(rules.automata.length > 0, 'the built-in rules were compiled (npm run build)');
      rules.automata[0]!.transitions = 'not*base64!';
      s.variables['palisade.rules.json'] = JSON.stringify(rules);
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.source'), 'builtin');
      assert.equal(v(r, 'palisade.rules.error'), 'bad-tables');
      assert.equal(v(r, 'palisade.error'), undefined, 'no inspection error: the built-ins ran');
      assert.ok(Number(v(r, 'palisade.findings.count')) >= 1);
    });

    it('cached rules in the ready form JS-AcceptRules writes: used as they are; cut short: the built-ins take over', async () => {
      const json = rulesWith([{ id: 'log-card', action: 'ACTION_LOG', match: {} }], {}, { detectors: true, version: '31' });
      const ready = readyFormOf(PATHS, json);
      assert.ok(ready !== null, 'the bundle carries the detection engine');
      const whole = requestState(jsonBody({ card_number: CARD }));
      whole.variables['palisade.rules.json'] = ready;
      const r = await run(whole);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.rules.source'), 'control-plane');
      assert.equal(v(r, 'palisade.rules.version'), '31');
      assert.equal(v(r, 'palisade.verdict'), 'LOG');
      assert.ok(Number(v(r, 'palisade.findings.count')) >= 1);
      for (const damaged of [ready.slice(0, ready.length - 1), ready.slice(0, 60000), `${ready}0`]) {
        const cut = requestState(jsonBody({ card_number: CARD }));
        cut.variables['palisade.rules.json'] = damaged;
        const d = await run(cut);
        assert.equal(d.error, null);
        assert.equal(v(d, 'palisade.rules.source'), 'builtin');
        assert.equal(v(d, 'palisade.rules.error'), 'ready-damaged');
        assert.equal(v(d, 'palisade.error'), undefined, 'no inspection error: the built-ins ran');
        assert.ok(Number(v(d, 'palisade.findings.count')) >= 1);
      }
    });

    it('refuses a rule set with a malformed CIDR as a whole (built-ins instead)', async () => {
      const s = withRules(requestState(), [{ id: 'x', action: 'ACTION_BLOCK', match: { clientCidrs: ['10.0.0.0/33'] } }]);
      const r = await run(s);
      assert.equal(v(r, 'palisade.rules.error'), 'bad-cidr');
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
    });

    it('BLOCK in ENFORCE sets the RaiseFault variables and reports the exchange without waiting', async () => {
      const s = withRules(requestState({ verb: 'DELETE', path: '/v1/users/42' }), [
        {
          id: 'no-delete',
          action: 'ACTION_BLOCK',
          mode: 'MODE_ENFORCE',
          match: { methods: ['DELETE'], paths: ['/v1/users/{id}'] },
          block: { status: 451, body: '{"error":"nope"}', contentType: 'application/problem+json' },
        },
      ]);
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.verdict'), 'BLOCK');
      assert.equal(v(r, 'palisade.block.enforce'), true);
      assert.equal(v(r, 'palisade.block.status'), 451);
      assert.equal(v(r, 'palisade.block.body'), '{"error":"nope"}');
      assert.equal(v(r, 'palisade.block.contenttype'), 'application/problem+json');
      assert.equal(v(r, 'palisade.verdict.reason'), 'policy:no-delete');
      assert.equal(v(r, 'palisade.rules.source'), 'control-plane');
      assert.equal(v(r, 'palisade.rules.version'), '7');
      assert.equal(r.state.sent.length, 1);
      const sent = r.state.sent[0]!;
      assert.equal(sent.url, 'https://cp.test/v1/reports');
      assert.equal(sent.method, 'POST');
      assert.equal(sent.headers.Authorization, `Bearer ${TOKEN}`);
      assert.equal(sent.waited, false);
      const batch = JSON.parse(sent.body ?? '') as { gatewayId: string; events: (Json & { verdict: Json })[] };
      assert.equal(batch.gatewayId, 'apigee-test');
      assert.equal(batch.events[0]!.status, 451);
      assert.equal(batch.events[0]!.pathTemplate, '/v1/users/{id}');
      assert.deepEqual(batch.events[0]!.verdict, {
        action: 'ACTION_BLOCK',
        mode: 'MODE_ENFORCE',
        policyId: 'no-delete',
        enforced: true,
        status: 451,
        reason: 'policy:no-delete',
        direction: 'DIRECTION_REQUEST',
      });
    });

    it('BLOCK in MONITOR only records what would have happened', async () => {
      const s = withRules(requestState(), [{ id: 'trial', action: 'ACTION_BLOCK', mode: 'MODE_MONITOR', match: { paths: ['/v1/**'] } }]);
      const r = await run(s);
      assert.equal(v(r, 'palisade.verdict'), 'BLOCK');
      assert.equal(v(r, 'palisade.verdict.mode'), 'MONITOR');
      assert.equal(v(r, 'palisade.block.enforce'), false);
      assert.equal(r.state.sent.length, 0);
    });

    it('the gateway-wide monitor mode (property mode=monitor) never enforces', async () => {
      const s = withRules(requestState(), [{ id: 'b', action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', match: {} }]);
      s.properties.mode = 'monitor';
      const r = await run(s);
      assert.equal(v(r, 'palisade.verdict'), 'BLOCK');
      assert.equal(v(r, 'palisade.block.enforce'), false);
    });

    it('blocks on a card number in a JSON body; raw values never leave the gateway', async () => {
      const s = withRules(
        requestState(jsonBody({ customer: { card_number: CARD } })),
        [{ id: 'pci', action: 'ACTION_BLOCK', mode: 'MODE_ENFORCE', match: { findingTypes: ['credit_card'] } }],
        {},
        true,
      );
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.verdict'), 'BLOCK');
      assert.equal(v(r, 'palisade.verdict.reason'), 'finding:credit_card');
      const findings = JSON.parse(String(v(r, 'palisade.findings'))) as Json[];
      const card = findings.find((f) => f.type === 'credit_card');
      assert.ok(card, 'credit_card finding');
      assert.equal(card.field, 'body');
      assert.equal(JSON.stringify(s.request.content).indexOf(CARD) > 0, true);
      assert.equal(s.request.content!.slice(Number(card.start), Number(card.end)), CARD);
      const everythingButTheBody = JSON.stringify({ ...r.state.variables, 'request.content': undefined }) + JSON.stringify(r.state.sent);
      assert.ok(!everythingButTheBody.includes(CARD), 'the raw card number must not appear in variables or reports');
      assert.equal(event(r).requestShape.contentType, 'application/json');
    });

    it('RATE_LIMIT per second: SpikeArrest rate and identifier by client ip', async () => {
      const s = withRules(requestState(), [
        {
          id: 'rl',
          action: 'ACTION_RATE_LIMIT',
          mode: 'MODE_ENFORCE',
          match: {},
          rateLimit: { rate: 5, periodSeconds: 1, key: 'RATE_LIMIT_KEY_CLIENT_IP' },
        },
      ]);
      const r = await run(s);
      assert.equal(v(r, 'palisade.verdict'), 'RATE_LIMIT');
      assert.equal(v(r, 'palisade.ratelimit.spikearrest'), true);
      assert.equal(v(r, 'palisade.ratelimit.quota'), false);
      assert.equal(v(r, 'palisade.ratelimit.enforce'), true);
      assert.equal(v(r, 'palisade.ratelimit.rate'), '5ps');
      assert.equal(v(r, 'palisade.ratelimit.identifier'), 'palisade:rl:ip:203.0.113.7');
      assert.equal(v(r, 'palisade.verdict.reason'), 'within-limit');
      assert.equal(v(r, 'palisade.block.enforce'), false);
    });

    it('RATE_LIMIT per hour by API key: Quota count, interval, unit; the key is hashed', async () => {
      const s = withRules(
        requestState({
          headers: [
            ['Host', 'api.example.com'],
            ['x-api-key', 'secret-key-1'],
          ],
        }),
        [
          {
            id: 'hourly',
            action: 'ACTION_RATE_LIMIT',
            mode: 'MODE_MONITOR',
            match: {},
            rateLimit: { rate: 1000, periodSeconds: 7200, key: 'RATE_LIMIT_KEY_API_KEY' },
          },
        ],
      );
      const r = await run(s);
      assert.equal(v(r, 'palisade.ratelimit.quota'), true);
      assert.equal(v(r, 'palisade.ratelimit.count'), 1000);
      assert.equal(v(r, 'palisade.ratelimit.interval'), 2);
      assert.equal(v(r, 'palisade.ratelimit.timeunit'), 'hour');
      assert.equal(v(r, 'palisade.ratelimit.enforce'), false, 'MONITOR counts but never answers 429');
      assert.match(String(v(r, 'palisade.ratelimit.identifier')), /^palisade:hourly:key:[0-9a-f]{16}$/);
      assert.ok(!JSON.stringify(r.state.variables).includes('secret-key-1'));
    });

    it('RATE_LIMIT whose key is absent counts nothing', async () => {
      const s = withRules(requestState(), [
        {
          id: 'tenant',
          action: 'ACTION_RATE_LIMIT',
          mode: 'MODE_ENFORCE',
          match: {},
          rateLimit: { rate: 1, periodSeconds: 1, key: 'RATE_LIMIT_KEY_HEADER', header: 'x-tenant' },
        },
      ]);
      const r = await run(s);
      assert.equal(v(r, 'palisade.verdict.reason'), 'rate-limit-key-absent');
      assert.equal(v(r, 'palisade.ratelimit.spikearrest'), false);
      assert.equal(v(r, 'palisade.ratelimit.quota'), false);
    });

    it('LOG records the policy (and in Node the findings), changes nothing', async () => {
      // Rhino: matched by path, without detectors (the full set's per-execution preparation is
      // slow in Rhino; the finding-based verdict is covered above in both runtimes).
      const heavy = rt.name === 'node';
      const match = heavy ? { findingTypes: ['credit_card'] } : { paths: ['/v1/**'] };
      const s = withRules(
        requestState({ ...jsonBody({ card: CARD }), path: '/v1/cards' }),
        [{ id: 'watch', action: 'ACTION_LOG', match }],
        {},
        heavy,
      );
      const r = await run(s);
      assert.equal(v(r, 'palisade.verdict'), 'LOG');
      assert.equal(v(r, 'palisade.verdict.policy'), 'watch');
      assert.equal(v(r, 'palisade.block.enforce'), false);
      if (heavy) assert.ok(Number(v(r, 'palisade.findings.count')) >= 1);
    });

    it('a non-JSON, non-text body is not inspected, and says why', async () => {
      const s = withRules(
        requestState({
          verb: 'PUT',
          headers: [
            ['Host', 'api.example.com'],
            ['Content-Type', 'application/octet-stream'],
          ],
          content: '\u0000\u0001' + CARD + '\uffff',
        }),
        [],
      );
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
      assert.equal(event(r).requestShape.notInspectedReason, 'content-type');
      assert.equal(v(r, 'palisade.findings.count'), 0);
    });

    it('malformed JSON is still scanned as text', async () => {
      const s = withRules(
        requestState({
          verb: 'POST',
          headers: [
            ['Host', 'api.example.com'],
            ['Content-Type', 'application/json'],
          ],
          content: `{"card": "${CARD}", oops`,
        }),
        [],
        {},
        true,
      );
      const r = await run(s);
      assert.equal(r.error, null);
      assert.ok(Number(v(r, 'palisade.findings.count')) >= 1);
    });

    it('a huge body is inspected up to the limit only (bounded work)', async () => {
      const items = [];
      for (let i = 0; i < 40000; i++) items.push({ id: i, name: `item-${i}`, note: 'lorem ipsum dolor sit amet' });
      // Rhino: without detectors (the scanner's per-execution table preparation would dominate).
      const huge = withRules(requestState(jsonBody({ items })), [], { maxBodyBytes: 16384 }, rt.name === 'node');
      const small = withRules(requestState(jsonBody({ items: items.slice(0, 100) })), [], { maxBodyBytes: 16384 }, rt.name === 'node');
      assert.ok((huge.request.content ?? '').length > 2_000_000);
      const rs = await run(small);
      const r = await run(huge);
      assert.equal(r.error, null);
      assert.equal(event(r).requestShape.truncated, true);
      assert.equal(event(rs).requestShape.truncated, false);
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
      // 150x the bytes must not cost 150x the time: only the first 16 KiB are scanned.
      const [th, ts] = [Number(v(r, 'palisade.elapsed.ms')), Number(v(rs, 'palisade.elapsed.ms'))];
      assert.ok(th < ts * 4 + 2000, `huge ${th} ms vs small ${ts} ms`);
    });

    it('a Bearer JWT is seen as AUTH_SCHEME_JWT with its alg (header lists with length())', async () => {
      const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.';
      const r = await run(
        withRules(
          requestState({
            headers: [
              ['Host', 'api.example.com'],
              ['Authorization', `Bearer ${jwt}`],
            ],
          }),
          [],
        ),
      );
      assert.deepEqual(event(r).auth, { scheme: 'AUTH_SCHEME_JWT', jwtAlg: 'none' });
    });

    it('fails open on an inspection error, with a counter in the event', async () => {
      const s = withRules(requestState(), []);
      const r = await run(s, [DOUBLES.brokenDetect]);
      assert.equal(r.error, null, 'the policy must never throw');
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
      assert.equal(v(r, 'palisade.verdict.reason'), 'fail-open');
      assert.equal(v(r, 'palisade.failuremode.used'), 'open');
      assert.equal(v(r, 'palisade.error'), 'scanner exploded');
    });

    it('fails closed (503) on an inspection error when configured', async () => {
      const s = withRules(requestState(), []);
      s.properties.failureMode = 'closed';
      const r = await run(s, [DOUBLES.brokenDetect]);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.block.enforce'), true);
      assert.equal(v(r, 'palisade.block.status'), 503);
      assert.equal(v(r, 'palisade.failuremode.used'), 'closed');
    });

    it("fails closed when the matching BLOCK policy's failure mode is CLOSED", async () => {
      const s = withRules(requestState(), [
        {
          id: 'strict',
          action: 'ACTION_BLOCK',
          mode: 'MODE_ENFORCE',
          failureMode: 'FAILURE_MODE_CLOSED',
          match: { findingTypes: ['credit_card'] },
        },
      ]);
      const r = await run(s, [DOUBLES.brokenDetect]);
      assert.equal(v(r, 'palisade.block.enforce'), true);
      assert.equal(v(r, 'palisade.block.status'), 503);
      assert.equal(v(r, 'palisade.verdict.reason'), 'fail-closed');
    });

    describe('time budget (timeBudgetMs, 75% of the timeLimit Apigee kills the script at)', () => {
      // The slow double spends `delayMs` in every engine call, longer than the budget: whatever the
      // machine's speed, the body scan can never start in time.
      const slow = (failureMode: string, budgetMs: string, delayMs: number) => {
        const s = withRules(requestState(jsonBody({ card_number: CARD })), []);
        s.properties.failureMode = failureMode;
        s.properties.timeBudgetMs = budgetMs;
        s.variables['test.detect.delayms'] = String(delayMs);
        return run(s, [DOUBLES.slowDetect]);
      };

      it('an over-budget scan gives up the body, fails open and still reports why', async () => {
        const r = await slow('open', '40', 80);
        assert.equal(r.error, null, 'the policy must end on its own, not be killed');
        assert.doesNotMatch(String(v(r, 'test.detect.calls') ?? ''), /body/, 'the body scan never starts past the deadline');
        assert.equal(v(r, 'palisade.error'), 'time-budget-exceeded');
        assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
        assert.equal(v(r, 'palisade.verdict.reason'), 'fail-open');
        assert.equal(v(r, 'palisade.failuremode.used'), 'open');
        assert.equal(event(r).requestShape.notInspectedReason, 'time-budget');
        assert.ok(Number(v(r, 'palisade.elapsed.ms')) < 5000);
      });

      it('fail-closed answers 503 when the budget runs out', async () => {
        const r = await slow('closed', '40', 80);
        assert.equal(v(r, 'palisade.error'), 'time-budget-exceeded');
        assert.equal(v(r, 'palisade.block.enforce'), true);
        assert.equal(v(r, 'palisade.block.status'), 503);
        assert.equal(v(r, 'palisade.failuremode.used'), 'closed');
      });

      it('within the budget headers and body are both scanned (control)', async () => {
        const r = await slow('closed', '60000', 1);
        assert.equal(v(r, 'test.detect.calls'), 'path,path,headers,body', 'each segment of /v1/items, then headers, then body');
        assert.equal(v(r, 'palisade.error'), undefined);
        assert.equal(v(r, 'palisade.block.enforce'), false);
        assert.equal(event(r).requestShape.notInspectedReason ?? '', '');
      });
    });

    it('never throws on a request Apigee would barely describe', async () => {
      const s = withRules(requestState({ verb: undefined, path: undefined, headers: [] }), []);
      s.request.clientIp = undefined;
      s.properties = { failureMode: 'sideways', timeBudgetMs: 'soon' };
      const r = await run(s);
      assert.equal(r.error, null);
      assert.equal(v(r, 'palisade.verdict'), 'ALLOW');
      assert.match(String(v(r, 'palisade.config.problems')), /failureMode.*timeBudgetMs/);
    });
  });
}
