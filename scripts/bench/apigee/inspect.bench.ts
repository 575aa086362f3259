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
// - baseline: the RegExp scan.
// `npm run bench -- apigee`. Iterations: BENCH_APIGEE_EXECUTIONS (default 15), BENCH_APIGEE_WARMUP,
// BENCH_APIGEE_SCANS (default 100), BENCH_APIGEE_COLD (fresh JVMs per case, default 3), BENCH_APIGEE_OTHER.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_DETECTORS } from '../../../control-plane/detect/builtin-detectors.ts';
import { jscDir, realDetection, policyFiles, PATHS } from '../../../apigee-sharedflow/test/lib/bundle-fixture.ts';
import { createNodeRunner, createRhinoRunner, requestState, type PolicyRunner } from '../../../apigee-sharedflow/test/lib/policy-runner.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
// The file stays readable (prettier formats it); the message is its compact form, 4096 bytes.
const body = JSON.stringify(JSON.parse(readFileSync(join(here, 'inputs', 'order-4k.json'), 'utf8')));
if (Buffer.byteLength(body) !== 4096) throw new Error(`order-4k.json: compact form is ${Buffer.byteLength(body)} bytes, not 4096`);
// The JavaScript policies' timeLimit as shipped (sharedflowbundle/policies/JS-InspectRequest.xml).
const shippedTimeLimitMs = Number(
  /timeLimit="(\d+)"/.exec(readFileSync(join(PATHS.bundleDir, 'policies', 'JS-InspectRequest.xml'), 'utf8'))?.[1],
);
const executions = Number(process.env.BENCH_APIGEE_EXECUTIONS ?? 15);
const warmup = Number(process.env.BENCH_APIGEE_WARMUP ?? 60);
const scans = Number(process.env.BENCH_APIGEE_SCANS ?? 100);
const coldJvms = Number(process.env.BENCH_APIGEE_COLD ?? 3);
const otherRuns = Number(process.env.BENCH_APIGEE_OTHER ?? 300);
const OTHER_JS = join(here, 'other-javascript.js');
const headers: [string, string][] = [
  ['Host', 'shop.example.com'],
  ['Content-Type', 'application/json'],
  ['User-Agent', 'bench/1.0'],
];
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

async function inspectOnce(runner: PolicyRunner): Promise<Run & { verdict: string }> {
  const state = requestState({ verb: 'POST', path: '/v1/orders', querystring: 'page=1', headers, content: body });
  state.properties.timeBudgetMs = '0'; // no budget: measure the whole inspection
  const r = await runner.run(policyFiles('palisade-inspect-request.js'), state);
  if (r.error) throw new Error(r.error);
  if (r.state.variables['palisade.error'] !== undefined)
    throw new Error(`inspection failed: ${String(r.state.variables['palisade.error'])}`);
  return {
    wall: r.elapsedMs,
    cpu: r.cpuMs,
    compile: r.compileMs,
    verdict: `${String(r.state.variables['palisade.findings.count'])} findings`,
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
async function firstExecutions(create: () => PolicyRunner, other: number): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < coldJvms; i++) {
    const runner = create();
    try {
      for (let j = 0; j < other; j++) {
        const o = await runner.run([OTHER_JS], requestState());
        if (o.error) throw new Error(o.error);
      }
      out.push(await inspectOnce(runner));
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
  `timeLimit of JS-InspectRequest as shipped: ${shippedTimeLimitMs} ms; the policy's own inspection budget: ${shippedTimeLimitMs * 0.75} ms.`,
);
const RUNTIMES: { label: string; rhino: boolean; create: () => PolicyRunner }[] = [
  { label: 'rhino, compiled (-opt 0)', rhino: true, create: () => createRhinoRunner('rhino', ['-opt', '0']) },
  { label: 'rhino, interpreted (-opt -1)', rhino: true, create: () => createRhinoRunner('rhino', ['-opt', '-1']) },
  { label: 'node', rhino: false, create: () => createNodeRunner() },
];
for (const rt of RUNTIMES) {
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
