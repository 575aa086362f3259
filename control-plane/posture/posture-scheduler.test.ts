// When posture re-evaluates: one evaluation per burst of traffic (debounced), never later than
// maxDelayMs under a steady stream, never two at once, periodically without traffic, and nothing
// after stop() — which waits for the evaluation in progress. Timers are mocked: no test waits.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PostureScheduler, notifyOnIngest } from './posture-scheduler.ts';
import type { Ingest } from '../ingest/ingest.ts';

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(t: TestContext, o: { debounceMs?: number; maxDelayMs?: number; intervalMs?: number } = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  let now = 0;
  let running = 0;
  let overlap = false;
  const pending: (() => void)[] = [];
  const runs: number[] = [];
  const s = new PostureScheduler({
    evaluate: () => {
      if (running++) overlap = true;
      runs.push(now);
      return new Promise<void>((r) => pending.push(() => (running--, r())));
    },
    debounceMs: o.debounceMs ?? 30,
    maxDelayMs: o.maxDelayMs ?? 10_000,
    intervalMs: o.intervalMs ?? 0,
    onError: () => undefined,
    now: () => now,
  });
  const tick = async (ms: number) => {
    now += ms;
    t.mock.timers.tick(ms);
    await flush();
  };
  const finish = async () => {
    pending.shift()?.();
    await flush();
  };
  return { s, runs, tick, finish, overlap: () => overlap };
}

test('a burst of pokes costs one evaluation after the quiet time', async (t) => {
  const { s, runs, tick, finish } = setup(t, { debounceMs: 40 });
  for (let i = 0; i < 10; i++) {
    s.poke();
    await tick(5);
  }
  assert.equal(runs.length, 0);
  await tick(40);
  assert.deepEqual(runs, [90]);
  await finish();
  await s.stop();
});

test('a steady stream still evaluates within maxDelayMs', async (t) => {
  const { s, runs, tick, finish } = setup(t, { debounceMs: 50, maxDelayMs: 100 });
  for (let i = 0; i < 26; i++) {
    s.poke();
    await tick(10);
    if (runs.length) await finish();
  }
  assert.deepEqual(runs.slice(0, 2), [100, 200]);
  await s.stop();
});

test('a poke during an evaluation schedules the next one instead of overlapping', async (t) => {
  const { s, runs, tick, finish, overlap } = setup(t, { debounceMs: 5 });
  s.poke();
  await tick(5);
  assert.equal(runs.length, 1);
  s.poke();
  await tick(5);
  await tick(5);
  assert.equal(runs.length, 1, 'a second evaluation started while the first ran');
  await finish();
  await tick(5);
  await tick(5);
  assert.equal(runs.length, 2);
  assert.equal(overlap(), false);
  await finish();
  await s.stop();
});

test('the interval evaluates without traffic; stop() waits for the running one and ends everything', async (t) => {
  const { s, runs, tick, finish } = setup(t, { intervalMs: 30 });
  s.start();
  await tick(30);
  assert.equal(runs.length, 1);
  let stopped = false;
  const stopping = s.stop().then(() => (stopped = true));
  await flush();
  assert.equal(stopped, false, 'stop() returned before the evaluation in progress ended');
  await finish();
  await stopping;
  s.poke();
  await tick(1000);
  assert.equal(runs.length, 1);
});

test('only batches that stored events poke the scheduler', async () => {
  const results = [
    { status: 'ACK_STATUS_OK', accepted: 3, message: '' },
    { status: 'ACK_STATUS_DUPLICATE', accepted: 0, message: '' },
    { status: 'ACK_STATUS_REJECTED', accepted: 0, message: 'bad' },
  ] as const;
  let i = 0;
  const inner = {
    ingestBatch: async () => results[i++]!,
    pendingEvents: () => 7,
    metrics: {},
    drain: async () => undefined,
  } as unknown as Ingest;
  let pokes = 0;
  const ingest = notifyOnIngest(inner, () => pokes++);
  for (let k = 0; k < 3; k++) await ingest.ingestBatch('gw', {} as never);
  assert.equal(pokes, 1);
  assert.equal(ingest.pendingEvents(), 7);
});
