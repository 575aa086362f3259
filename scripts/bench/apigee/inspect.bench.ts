// Apigee policy inspection time per 4 KiB JSON message (scripts/bench/apigee/inputs/order-4k.json),
// in real Rhino (what Apigee runs) in both of its modes — compiled to JVM classes (-opt 0, the shell's
// default) and interpreted (-opt -1) — and in Node's vm, next to the baseline measured in the same
// run: a plain RegExp scan of the same built-in detector patterns
// (control-plane/detect/builtin-detectors.ts) in the same engine. Figures per runtime, wall time
// and CPU time of the running thread (the machine is shared; CPU time holds under load):
// - warm: JS-InspectRequest as Apigee runs it — a fresh scope per request, so everything the policy
//   derives from the rule set it derives again (the built-in set, in its ready form) — median after
//   BENCH_APIGEE_WARMUP executions (default 60: an interpreted Rhino needs a few dozen runs before
//   the JVM has compiled its interpreter; an Apigee message processor is a long-lived JVM);
// - warming: the median of executions 2-10 in a fresh JVM;
// - after a deploy: the first execution of our scripts (Rhino compiles them) in a JVM that has
//   already run other JavaScript for a while (other-javascript.js, BENCH_APIGEE_OTHER runs,
//   default 300), as on a busy message processor; and in a fresh JVM (the worst case). Compiling
//   the scripts is timed apart (Apigee compiles a revision's scripts when it is deployed);
// - steady state: the engine scanning with tables prepared once (what a persistent scope would cost);
// - baseline: the RegExp scan;
// - bounded: the first execution in fresh JVMs WITH the shipped budget (timeBudgetMs, 75 % of the
//   timeLimit), compiled and interpreted, on the 4 KiB order, the same order without its sensitive
//   values (order-4k-clean.json) and 31 copies of the order (~127 KB, under the built-in 128 KiB
//   inspection limit): the worst CPU and wall time per execution next to the timeLimit, and how
//   each ended (fully inspected, or the budget ran out and the failure mode applied).
// `npm run bench -- apigee`. Iterations: BENCH_APIGEE_EXECUTIONS (default 15), BENCH_APIGEE_WARMUP,
// BENCH_APIGEE_SCANS (default 100), BENCH_APIGEE_COLD (fresh JVMs per case, default 3), BENCH_APIGEE_OTHER;
// BENCH_APIGEE_ONLY=bounded runs the bounded part alone.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_DETECTORS } from '../../../control-plane/detect/builtin-detectors.ts';
import { jscDir, realDetection, policyFiles, PATHS } from '../../../apigee-sharedflow/test/lib/bundle-fixture.ts';
import { createNodeRunner, createRhinoRunner, requestState, type PolicyRunner } from '../../../apigee-sharedflow/test/lib/policy-runner.ts';
import { body, cleanBody, headers, largeBody, shippedBudgetMs, shippedTimeLimitMs } from './messages.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const executions = Number(process.env.BENCH_APIGEE_EXECUTIONS ?? 15);
const warmup = Number(process.env.BENCH_APIGEE_WARMUP ?? 60);
const scans = Number(process.env.BENCH_APIGEE_SCANS ?? 100);
const coldJvms = Number(process.env.BENCH_APIGEE_COLD ?? 3);
const otherRuns = Number(process.env.BENCH_APIGEE_OTHER ?? 300);
const boundedOnly = process.env.BENCH_APIGEE_ONLY === 'bounded';
const OTHER_JS = join(here, 'other-javascript.js');
const message = {
  kind: 'request',
  headers: Object.fromEntries(headers.map(([k, v]) => [k.toLowerCase(), v])),
  query: 'page=1',
  body,
  contentType: 'application/json',
};
const patterns = BUILTIN_DETECTORS.map((d) => ({ pattern: d.pattern, flags: d.flags ?? '' }));

if (!realDetection()) {
  console.log('apigee bench: the bundle has no detection engine or built-in rules yet (npm run build); nothing to measure');
  process.exit(0);
}

interface Run {
  wall: number;
  cpu: number;
  /** CPU ms Rhino spent compiling the scripts first (not in wall / cpu). */
  compile?: number;
}

/** budgetMs '0': no budget, the whole inspection is measured (and must end without an error). */
async function inspectOnce(runner: PolicyRunner, content = body, budgetMs = '0'): Promise<Run & { verdict: string; outcome: string }> {
  const state = requestState({ verb: 'POST', path: '/v1/orders', querystring: 'page=1', headers, content });
  state.properties.timeBudgetMs = budgetMs;
  const r = await runner.run(policyFiles('palisade-inspect-request.js'), state);
  if (r.error) throw new Error(r.error);
  const error = r.state.variables['palisade.error'];
  if (error !== undefined && budgetMs === '0') throw new Error(`inspection failed: ${String(error)}`);
  const findings = `${String(r.state.variables['palisade.findings.count'])} findings`;
  const reason = String(r.state.variables['palisade.verdict.reason'] ?? '');
  return {
    wall: r.elapsedMs,
    cpu: r.cpuMs,
    compile: r.compileMs,
    verdict: findings,
    outcome: error === undefined ? `inspected, ${findings}` : `${String(error)}, ${reason || 'failure mode'}, ${findings}`,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianRun = (rs: Run[]): Run => ({ wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)) });

async function measure(runner: PolicyRunner) {
  const runs: Run[] = [];
  let verdict = '';
  for (let i = 0; i < warmup + executions; i++) {
    const r = await inspectOnce(runner);
    verdict = r.verdict;
    runs.push(r);
  }
  const state = requestState(
    {},
    { 'bench.message': JSON.stringify(message), 'bench.patterns': JSON.stringify(patterns), 'bench.iterations': String(scans) },
  );
  const r = await runner.run(
    [join(jscDir(), 'palisade-lib.js'), join(jscDir(), 'palisade-builtin-rules.js'), join(PATHS.flowDir, 'test', 'rhino', 'bench-main.js')],
    state,
  );
  if (r.error) throw new Error(r.error);
  const steady = JSON.parse(String(r.state.variables['bench.results'])) as {
    scanMs: number;
    regexMs: number;
    findings: number;
    regexps: number;
    refused: number;
  };
  return { warm: medianRun(runs.slice(warmup)), warming: medianRun(runs.slice(1, 10)), verdict, ...steady };
}

/** The first execution of our scripts in `coldJvms` fresh runtimes, after `other` runs of other JavaScript. */
async function firstExecutions(
  create: () => PolicyRunner,
  other: number,
  content = body,
  budgetMs = '0',
): Promise<(Run & { outcome: string })[]> {
  const out: (Run & { outcome: string })[] = [];
  for (let i = 0; i < coldJvms; i++) {
    const runner = create();
    try {
      for (let j = 0; j < other; j++) {
        const o = await runner.run([OTHER_JS], requestState());
        if (o.error) throw new Error(o.error);
      }
      out.push(await inspectOnce(runner, content, budgetMs));
    } finally {
      await runner.close();
    }
  }
  return out;
}

const ms = (r: Run) => `${r.wall.toFixed(1)} ms wall, ${r.cpu.toFixed(1)} ms CPU`;
const list = (rs: Run[]) =>
  rs.map((r) => `${r.wall.toFixed(0)}/${r.cpu.toFixed(0)} (+${(r.compile ?? 0).toFixed(0)} compiling)`).join(', ');
const verdictOf = (r: Run) =>
  [shippedTimeLimitMs, shippedTimeLimitMs * 0.75]
    .map((limit) => `${r.wall <= limit ? 'fits' : 'OVER'} ${limit} ms (wall)${r.cpu <= limit ? '' : ', OVER in CPU time too'}`)
    .join('; ');
console.log(
  `Apigee policy on a 4 KiB JSON message (${Buffer.byteLength(body)} bytes). Machine: 2 cores shared with other jobs; wall figures are noisy, CPU figures less so.`,
);
console.log(
  `timeLimit of JS-InspectRequest as shipped: ${shippedTimeLimitMs} ms; the policy's own inspection budget: ${shippedBudgetMs} ms.`,
);
const RUNTIMES: { label: string; rhino: boolean; create: () => PolicyRunner }[] = [
  { label: 'rhino, compiled (-opt 0)', rhino: true, create: () => createRhinoRunner('rhino', ['-opt', '0']) },
  { label: 'rhino, interpreted (-opt -1)', rhino: true, create: () => createRhinoRunner('rhino', ['-opt', '-1']) },
  { label: 'node', rhino: false, create: () => createNodeRunner() },
];
for (const rt of boundedOnly ? [] : RUNTIMES) {
  const runner = rt.create();
  let m;
  try {
    m = await measure(runner);
  } finally {
    await runner.close();
  }
  console.log(`\n${rt.label}:`);
  console.log(`  JS-InspectRequest per execution, warm (median of ${executions} after ${warmup}): ${ms(m.warm)}  (${m.verdict})`);
  console.log(`    ${verdictOf(m.warm)}`);
  console.log(`  executions 2-10 in a fresh runtime (median): ${ms(m.warming)}`);
  if (rt.rhino) {
    const deployed = await firstExecutions(rt.create, otherRuns);
    const fresh = await firstExecutions(rt.create, 0);
    const worst = (rs: Run[]) => rs.reduce((a, b) => (b.wall > a.wall ? b : a));
    console.log(
      `  first execution after a deploy (JVM warmed by ${otherRuns} runs of other JavaScript), wall/CPU ms, then CPU ms Rhino compiled our scripts before it: ${list(deployed)}`,
    );
    console.log(`    worst: ${verdictOf(worst(deployed))}`);
    console.log(`  first execution in a fresh JVM (nothing compiled yet), wall/CPU ms (+ compiling): ${list(fresh)}`);
    console.log(`    worst: ${verdictOf(worst(fresh))}`);
  }
  console.log(`  engine, tables prepared once (${scans} scans):          ${m.scanMs.toFixed(2)} ms/message  (${m.findings} findings)`);
  console.log(
    `  baseline: RegExp scan of ${m.regexps} built-in patterns:    ${m.regexMs.toFixed(2)} ms/message${m.refused ? `  (${m.refused} patterns refused by this engine)` : ''}`,
  );
  // The baseline and the steady state are timed in the script with Date (wall time), so the ratios are wall / wall.
  console.log(
    `  ratio warm execution / baseline (wall / wall): ${(m.warm.wall / m.regexMs).toFixed(2)}x; steady state / baseline: ${(m.scanMs / m.regexMs).toFixed(2)}x`,
  );
}

// Bounded: what Apigee would see on the first executions after a deploy, with the budget as shipped.
const BOUNDED_CASES: [string, string][] = [
  ['4 KiB order (sensitive)', body],
  ['4 KiB order, clean', cleanBody],
  [`${(Buffer.byteLength(largeBody) / 1024).toFixed(0)} KiB, 31 orders (sensitive)`, largeBody],
];
console.log(
  `\nBounded: first execution in ${coldJvms} fresh JVMs per case with the shipped budget (timeBudgetMs ${shippedBudgetMs}) against the ${shippedTimeLimitMs} ms timeLimit;`,
);
console.log('  worst CPU and worst wall ms per execution (compiling our scripts not included), then how the executions ended:');
for (const rt of RUNTIMES.filter((r) => r.rhino)) {
  for (const [label, content] of BOUNDED_CASES) {
    const runs = await firstExecutions(rt.create, 0, content, shippedBudgetMs);
    const worstCpu = Math.max(...runs.map((r) => r.cpu));
    const worstWall = Math.max(...runs.map((r) => r.wall));
    const within = (ms: number) => (ms <= shippedTimeLimitMs ? 'within' : 'OVER');
    const outcomes = [...new Set(runs.map((r) => r.outcome))].map((o) => `${runs.filter((r) => r.outcome === o).length}x ${o}`);
    console.log(
      `  ${rt.label}, ${label}: CPU ${worstCpu.toFixed(0)} ms (${within(worstCpu)} ${shippedTimeLimitMs}), wall ${worstWall.toFixed(0)} ms (${within(worstWall)} ${shippedTimeLimitMs}); ${outcomes.join('; ')}`,
    );
  }
}
