// Apigee policy inspection time per 4 KiB JSON message (scripts/bench/apigee/inputs/order-4k.json),
// in real Rhino (what Apigee runs) in both of its modes — compiled to JVM classes (-opt 0, the shell's
// default) and interpreted (-opt -1) — and in Node's vm, next to the baseline measured in the same
// run: a plain RegExp scan of the same built-in detector patterns
// (control-plane/detect/builtin-detectors.ts) in the same engine. Figures per runtime:
// - per execution: JS-InspectRequest as Apigee runs it — a fresh scope per request, so everything
//   the policy derives from the rule set it derives again (the built-in set, in its ready form);
// - cold: the first execution in a fresh JVM (Rhino compiles the scripts, nothing is JIT-compiled
//   yet: the first request after a deploy) and the second one (scripts compiled, JIT still cold);
// - steady state: the engine scanning with tables prepared once (what a persistent scope would cost);
// - baseline: the RegExp scan.
// The per-execution figure is the median after BENCH_APIGEE_WARMUP executions (default 20): an
// Apigee message processor is a long-lived JVM that runs the policy's compiled scripts over and over.
// `npm run bench -- apigee`. Iterations: BENCH_APIGEE_EXECUTIONS (default 9), BENCH_APIGEE_WARMUP
// (default 20), BENCH_APIGEE_SCANS (default 100), BENCH_APIGEE_COLD (fresh JVMs, default 3).
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
const executions = Number(process.env.BENCH_APIGEE_EXECUTIONS ?? 9);
const warmup = Number(process.env.BENCH_APIGEE_WARMUP ?? 20);
const scans = Number(process.env.BENCH_APIGEE_SCANS ?? 100);
const coldJvms = Number(process.env.BENCH_APIGEE_COLD ?? 3);
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

function inspectOnce(runner: PolicyRunner) {
  const state = requestState({ verb: 'POST', path: '/v1/orders', querystring: 'page=1', headers, content: body });
  state.properties.timeBudgetMs = '0'; // no budget: measure the whole inspection
  return runner.run(policyFiles('palisade-inspect-request.js'), state).then((r) => {
    if (r.error) throw new Error(r.error);
    if (r.state.variables['palisade.error'] !== undefined)
      throw new Error(`inspection failed: ${String(r.state.variables['palisade.error'])}`);
    return { ms: r.elapsedMs, verdict: `${String(r.state.variables['palisade.findings.count'])} findings` };
  });
}

async function measure(runner: PolicyRunner) {
  const perExecution: number[] = [];
  let verdict = '';
  for (let i = 0; i < warmup + executions; i++) {
    const r = await inspectOnce(runner);
    verdict = r.verdict;
    if (i >= warmup) perExecution.push(r.ms);
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
  perExecution.sort((a, b) => a - b);
  return { median: perExecution[Math.floor(perExecution.length / 2)]!, max: perExecution[perExecution.length - 1]!, verdict, ...steady };
}

/** First and second execution in `coldJvms` fresh runtimes. */
async function measureCold(create: () => PolicyRunner) {
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < coldJvms; i++) {
    const runner = create();
    try {
      first.push((await inspectOnce(runner)).ms);
      second.push((await inspectOnce(runner)).ms);
    } finally {
      await runner.close();
    }
  }
  return { first, second };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms/message`;
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
const fits = (ms: number) =>
  `${ms <= shippedTimeLimitMs ? 'fits' : 'DOES NOT fit'} timeLimit ${shippedTimeLimitMs} ms, ` +
  `${ms <= shippedTimeLimitMs * 0.75 ? 'fits' : 'DOES NOT fit'} the ${shippedTimeLimitMs * 0.75} ms inspection budget`;
console.log(
  `Apigee policy on a 4 KiB JSON message (${Buffer.byteLength(body)} bytes). Machine: 2 cores shared with other jobs; figures are noisy.`,
);
const RUNTIMES: { label: string; create: () => PolicyRunner }[] = [
  { label: 'rhino, compiled (-opt 0)', create: () => createRhinoRunner('rhino', ['-opt', '0']) },
  { label: 'rhino, interpreted (-opt -1)', create: () => createRhinoRunner('rhino', ['-opt', '-1']) },
  { label: 'node', create: () => createNodeRunner() },
];
for (const rt of RUNTIMES) {
  const runner = rt.create();
  let m;
  try {
    m = await measure(runner);
  } finally {
    await runner.close();
  }
  const cold = await measureCold(rt.create);
  console.log(`\n${rt.label}:`);
  console.log(
    `  JS-InspectRequest per execution (median of ${executions} after ${warmup} warm-up): ${fmt(m.median)}  (${m.verdict}; max ${m.max.toFixed(2)})`,
  );
  console.log(`    ${fits(m.median)}`);
  console.log(`  first execution in a fresh JVM (compiles the scripts), ${coldJvms} runs: ${list(cold.first)} ms`);
  console.log(`    ${fits(Math.max(...cold.first))} (worst run)`);
  console.log(`  second execution (scripts compiled, JIT cold), ${coldJvms} runs: ${list(cold.second)} ms`);
  console.log(`  engine, tables prepared once (${scans} scans):          ${fmt(m.scanMs)}  (${m.findings} findings)`);
  console.log(
    `  baseline: RegExp scan of ${m.regexps} built-in patterns:    ${fmt(m.regexMs)}${m.refused ? `  (${m.refused} patterns refused by this engine)` : ''}`,
  );
  console.log(
    `  ratio per execution / baseline: ${(m.median / m.regexMs).toFixed(1)}x; steady state / baseline: ${(m.scanMs / m.regexMs).toFixed(2)}x`,
  );
}
