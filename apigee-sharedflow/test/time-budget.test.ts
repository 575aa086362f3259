// The inspection's time budget reaches inside the scan (src/detect/deadline.js): with a clock of
// the test's own (test/rhino/deadline-main.js), in Node and in real Rhino, a scan whose deadline
// never passes finds exactly what a scan without one finds, the clock is consulted inside one long
// JSON value (no size bounds the time a cold Rhino takes over it), and once the deadline passes the
// scan gives up with time-budget-exceeded, keeping the findings of the fields it finished. The body
// shape, walked after the scan, stops too when the budget is spent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jscDir, PATHS } from './lib/bundle-fixture.ts';
import { requestState, type PolicyRunner } from './lib/policy-runner.ts';
import { CARD } from './lib/rules.ts';
import { RUNTIMES } from './lib/runtimes.ts';

const MAIN = join(PATHS.flowDir, 'test', 'rhino', 'deadline-main.js');
const ORDER = JSON.stringify(JSON.parse(readFileSync(join(PATHS.root, 'scripts', 'bench', 'apigee', 'inputs', 'order-4k.json'), 'utf8')));
// One JSON value of ~100 KB (one segment), letters, digits and punctuation so that the SEARCH
// automata run over it, with a card number at its end.
const LONG_VALUE = `${'Order ref AB12-cd34 shipped to 221B Baker St; '.repeat(2200)}card ${CARD}`;

interface Result {
  findings: { type: string; field: string; start: number; end: number }[];
  error: string | null;
  notInspectedReason: string;
  fields: number;
  fieldsDropped: number;
  path: string;
  looks: number;
}

const message = (body: string, query = '', path = '/v1/orders') => ({
  kind: 'request',
  method: 'POST',
  path,
  headers: { host: ['shop.example.com'], 'content-type': ['application/json'] },
  query,
  body,
  contentType: 'application/json',
});

for (const rt of RUNTIMES) {
  describe(`time budget inside the scan, in ${rt.name}`, { skip: rt.skip }, () => {
    let runner: PolicyRunner;
    before(() => (runner = rt.create()));
    after(() => runner.close());

    async function inspect(msg: object, fresh: number | null): Promise<Result> {
      const vars: Record<string, unknown> = { 'test.message': JSON.stringify(msg) };
      if (fresh !== null) vars['test.clock.fresh'] = String(fresh);
      const r = await runner.run(
        [join(jscDir(), 'palisade-lib.js'), join(jscDir(), 'palisade-builtin-rules.js'), MAIN],
        requestState({}, vars),
      );
      assert.equal(r.error, null);
      return JSON.parse(String(r.state.variables['test.result'])) as Result;
    }

    for (const [name, body] of [
      ['the 4 KiB order of the bench', ORDER],
      ['one ~100 KB JSON value', JSON.stringify({ note: LONG_VALUE })],
    ] as const) {
      it(`a deadline that never passes changes no finding: ${name}`, async () => {
        const free = await inspect(message(body), null);
        const timed = await inspect(message(body), -1);
        assert.ok(free.findings.length > 0, 'the body holds findings');
        assert.deepEqual(timed.findings, free.findings);
        assert.equal(timed.error, null);
        assert.ok(timed.looks > 0, 'the clock was consulted');
      });
    }

    it('one budget for the whole message: a path of many short segments is looked at, and cut off, like one long field', async () => {
      // Each segment is scanned on its own; were the budget per scan, 400 segments of 4 bytes
      // would never reach a look at the clock.
      const path = `/${Array.from({ length: 400 }, (_, i) => `ab${i % 10}c`).join('/')}`;
      const whole = await inspect(message('', '', path), -1);
      assert.equal(whole.error, null);
      assert.ok(whole.looks >= 20, `${whole.looks} looks over the path`);
      const cut = await inspect(message('', '', path), 5);
      assert.equal(cut.error, 'time-budget-exceeded');
      assert.equal(cut.notInspectedReason, 'time-budget');
      assert.ok(
        cut.path
          .split('/')
          .slice(1)
          .every((s) => s === '{unscanned}'),
        'no segment of a path cut short is reported',
      );
    });

    it('looks at the clock inside one long JSON value and gives up there, keeping the query findings', async () => {
      const msg = message(JSON.stringify({ note: LONG_VALUE }), `card=${CARD}`);
      const whole = await inspect(msg, -1);
      const short = await inspect(message(JSON.stringify({ note: 'Order ref AB12' }), `card=${CARD}`), -1);
      // One segment of ~100 KB: only the scan inside it can look at the clock this many more times.
      assert.ok(whole.looks - short.looks >= 50, `${whole.looks} looks for the long value, ${short.looks} for a short one`);
      assert.ok(whole.findings.some((f) => f.field === 'body'));
      const cut = await inspect(msg, whole.looks - 10);
      assert.equal(cut.error, 'time-budget-exceeded');
      assert.equal(cut.notInspectedReason, 'time-budget');
      assert.deepEqual(
        cut.findings.map((f) => f.field),
        ['query'],
        'the query, scanned before the body, keeps its finding; the body, given up, reports none',
      );
      assert.equal(cut.fields, 0, 'no shape for a body whose scan was given up');
    });

    it('the body shape, walked after the scan, stops when the budget runs out and says so', async () => {
      // 40 nested objects, one field each: the shape walk looks at the clock every 16 values.
      let nested: unknown = 1;
      for (let i = 39; i >= 0; i--) nested = { [`level${i}`]: nested };
      const body = JSON.stringify(nested);
      const whole = await inspect(message(body), -1);
      assert.equal(whole.fields, 40);
      assert.equal(whole.fieldsDropped, 0);
      const cut = await inspect(message(body), whole.looks - 2); // the last two looks are the walk's
      assert.equal(cut.error, null, 'the scan itself finished');
      assert.ok(cut.fields > 0 && cut.fields < whole.fields, `${cut.fields} fields after the budget ran out, ${whole.fields} without`);
      assert.equal(cut.fieldsDropped, 1, 'a shape cut short says so');
    });
  });
}
