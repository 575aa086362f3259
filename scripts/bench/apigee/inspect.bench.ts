// Apigee policy inspection time per 4 KiB JSON message (scripts/bench/apigee/inputs/order-4k.json),
// in real Rhino (what Apigee runs) and in Node's vm, next to the baseline measured in the same run:
// a plain RegExp scan of the same built-in detector patterns (control-plane/detect/builtin-detectors.ts)
// in the same engine. Three figures per runtime:
// - per execution: JS-InspectRequest as Apigee runs it — a fresh scope per request, so the
//   built-in RuleSet is parsed and the engine's tables are prepared on every execution;
// - steady state: the engine scanning with tables prepared once (what a persistent scope would cost);
// - baseline: the RegExp scan.
// The per-execution figure is taken after BENCH_APIGEE_WARMUP executions (default 20): an Apigee
// message processor is a long-lived JVM that runs the policy's compiled scripts over and over, so
// the JIT has compiled them; the first execution after compiling (cold JIT) is printed as well.
// `npm run bench -- apigee`. Iterations: BENCH_APIGEE_EXECUTIONS (default 5), BENCH_APIGEE_WARMUP
// (default 20), BENCH_APIGEE_SCANS (default 200).
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
const executions = Number(process.env.BENCH_APIGEE_EXECUTIONS ?? 5);
const warmup = Number(process.env.BENCH_APIGEE_WARMUP ?? 20);
const scans = Number(process.env.BENCH_APIGEE_SCANS ?? 200);
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

async function measure(runner: PolicyRunner) {
  const perExecution: number[] = [];
  let verdict = '';
  let cold = 0;
  for (let i = 0; i < warmup + 1 + executions; i++) {
    const state = requestState({ verb: 'POST', path: '/v1/orders', querystring: 'page=1', headers, content: body });
    state.properties.timeBudgetMs = '0'; // no budget: measure the whole inspection
    const r = await runner.run(policyFiles('palisade-inspect-request.js'), state);
    if (r.error) throw new Error(r.error);
    verdict = `${String(r.state.variables['palisade.findings.count'])} findings`;
    // Run 0 also compiles the scripts; run 1 is the first with them compiled, JIT still cold.
    if (i === 1) cold = r.elapsedMs;
    if (i > warmup) perExecution.push(r.elapsedMs);
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
  return { median: perExecution[Math.floor(perExecution.length / 2)]!, cold, verdict, ...steady };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms/message`;
console.log(
  `Apigee policy on a 4 KiB JSON message (${Buffer.byteLength(body)} bytes). Machine: 2 cores shared with other jobs; figures are noisy.`,
);
for (const runner of [createRhinoRunner(), createNodeRunner()]) {
  try {
    const m = await measure(runner);
    console.log(`\n${runner.name}:`);
    console.log(`  JS-InspectRequest per execution (median of ${executions} after ${warmup} warm-up): ${fmt(m.median)}  (${m.verdict})`);
    console.log(`  JS-InspectRequest first execution after compiling (cold JIT): ${fmt(m.cold)}`);
    console.log(`  engine, tables prepared once (${scans} scans):          ${fmt(m.scanMs)}  (${m.findings} findings)`);
    console.log(
      `  baseline: RegExp scan of ${m.regexps} built-in patterns:    ${fmt(m.regexMs)}${m.refused ? `  (${m.refused} patterns refused by this engine)` : ''}`,
    );
    console.log(
      `  ratio per execution / baseline: ${(m.median / m.regexMs).toFixed(1)}x; steady state / baseline: ${(m.scanMs / m.regexMs).toFixed(2)}x`,
    );
    console.log(
      `  per execution / shipped timeLimit (${shippedTimeLimitMs} ms): ${(m.median / shippedTimeLimitMs).toFixed(2)}x` +
        (m.median > shippedTimeLimitMs * 0.75 ? '  (over the 75% inspection budget: bodies would go uninspected)' : ''),
    );
  } finally {
    await runner.close();
  }
}
