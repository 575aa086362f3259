// Where the first execution of JS-InspectRequest in a fresh JVM spends its CPU time, stage by
// stage, in Rhino compiled (-opt 0) and interpreted (-opt -1), next to the same breakdown of the
// second and the tenth execution in that JVM: the gap between them is the JVM warming up (HotSpot
// has compiled neither Rhino's interpreter nor our classes yet), not work our scripts repeat.
// The real policy runs unchanged; apigee-sharedflow/test/rhino/cold-profile-hooks.js wraps the
// library's entry points and charges each stage its exclusive CPU time (the wrappers' own cost
// lands in the stages too: compare the total with the bench's unwrapped figures).
// `node --import tsx scripts/bench/apigee/cold-profile.ts`; BENCH_APIGEE_COLD fresh JVMs per mode
// (default 5, medians shown), BENCH_PROFILE_BODY=clean|large for the other inputs,
// BENCH_PROFILE_MODE=interp|compiled for one mode. BENCH_PROFILE_CLOCK=ops: instead of CPU ms,
// Rhino's interpreter instruction units (interpreted only; bytes of interpreter code, 100 per
// call), in thousands: deterministic, so a change of work shows under any load, which the CPU
// figures of a cold JVM on a shared machine (±15 % between runs) do not.
import { join } from 'node:path';
import { policyFiles, PATHS, realDetection } from '../../../apigee-sharedflow/test/lib/bundle-fixture.ts';
import { createRhinoRunner, requestState, type PolicyRunner } from '../../../apigee-sharedflow/test/lib/policy-runner.ts';
import { body, cleanBody, headers, largeBody } from './messages.ts';

const jvms = Number(process.env.BENCH_APIGEE_COLD ?? 5);
const which = process.env.BENCH_PROFILE_BODY ?? 'sensitive';
const content = which === 'clean' ? cleanBody : which === 'large' ? largeBody : body;
const RHINO_DIR = join(PATHS.flowDir, 'test', 'rhino');
const LIBRARY = 'library load (palisade-lib.js, built-in rules file)';
const clock: 'cpu' | 'ops' = process.env.BENCH_PROFILE_CLOCK === 'ops' ? 'ops' : 'cpu';
const UNIT = clock === 'ops' ? 'thousand instruction units' : 'CPU ms';
const SCALE = clock === 'ops' ? 1e3 : 1e6; // the clock's ns or units -> what is printed

if (!realDetection()) {
  console.log('cold profile: the bundle has no detection engine or built-in rules yet (npm run build)');
  process.exit(0);
}

type Breakdown = Map<string, number>;

function inspection() {
  const state = requestState({ verb: 'POST', path: '/v1/orders', querystring: 'page=1', headers, content });
  state.properties.timeBudgetMs = '0'; // the whole inspection, however long it takes
  return state;
}

const POLICY = 'palisade-inspect-request.js';
// BENCH_COMPARE_JSC=<dir of another build's resources/jsc>: its first executions are measured
// too, in fresh JVMs alternating with this build's, for a before/after under the same load.
const compareDir = process.env.BENCH_COMPARE_JSC;
const compareFiles = compareDir ? ['palisade-lib.js', 'palisade-builtin-rules.js', POLICY].map((f) => join(compareDir, f)) : null;

/** The first execution's CPU ms in a fresh JVM, without the hooks. */
async function plainFirst(options: string[], files = policyFiles(POLICY)): Promise<number> {
  const runner = createRhinoRunner('rhino', options);
  try {
    const r = await runner.run(files, inspection());
    const failed = r.error ?? r.state.variables['palisade.error'];
    if (failed !== null && failed !== undefined) throw new Error(`inspection failed: ${String(failed)}`);
    return r.cpuMs;
  } finally {
    await runner.close();
  }
}

/** One profiled execution: CPU ms per stage, the library's load worked out from the run's total. */
async function profiled(
  runner: PolicyRunner,
): Promise<{ stages: Breakdown; calls: Record<string, number>; cpu: number; findings: string }> {
  const state = inspection();
  const [lib, builtin, main] = policyFiles(POLICY);
  const files = [lib!, builtin!, join(RHINO_DIR, 'cold-profile-hooks.js'), main!, join(RHINO_DIR, 'cold-profile-report.js')];
  const r = await runner.run(files, state, { profileClock: clock });
  if (r.error) throw new Error(r.error);
  if (r.state.variables['palisade.error'] !== undefined)
    throw new Error(`inspection failed: ${String(r.state.variables['palisade.error'])}`);
  const result = JSON.parse(String(r.state.variables['profile.result'])) as { ms: Record<string, number>; calls: Record<string, number> };
  const stages: Breakdown = new Map();
  let counted = 0;
  for (const [stage, ticks] of Object.entries(result.ms)) {
    stages.set(stage, ticks / SCALE);
    counted += ticks / SCALE;
  }
  // With the ops clock, the library's load is not counted (the count starts with the hooks).
  if (clock === 'cpu') stages.set(LIBRARY, Math.max(0, r.cpuMs - counted));
  return {
    stages,
    calls: result.calls,
    cpu: clock === 'cpu' ? r.cpuMs : counted,
    findings: `${String(r.state.variables['palisade.findings.count'])} findings`,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const MODES = (
  [
    ['compiled (-opt 0)', ['-opt', '0']],
    ['interpreted (-opt -1)', ['-opt', '-1']],
  ] as [string, string[]][]
).filter(([label]) => label.includes(clock === 'ops' ? 'interp' : (process.env.BENCH_PROFILE_MODE ?? '')));
// BENCH_PROFILE_HOOKS=0: only the first executions without the hooks (a quick before/after).
const plainOnly = process.env.BENCH_PROFILE_HOOKS === '0';
const withPlain = clock === 'cpu';
const EXECUTIONS = [1, 2, 10]; // which executions of each JVM to show
console.log(`JS-InspectRequest on the 4 KiB order (${which}, ${Buffer.byteLength(content)} bytes), no budget: ${UNIT} per stage,`);
console.log(`median of ${jvms} fresh JVMs, for executions ${EXECUTIONS.join(', ')} of each JVM (compiling our scripts not included).`);
for (const [label, options] of MODES) {
  const plain: number[] = [];
  const compared: number[] = [];
  for (let j = 0; j < (withPlain ? jvms : 0); j++) {
    plain.push(await plainFirst(options));
    if (compareFiles) compared.push(await plainFirst(options, compareFiles));
  }
  const summary = (xs: number[]) => `median ${median(xs).toFixed(1)}, worst ${Math.max(...xs).toFixed(1)}`;
  const plainLine =
    `first execution without the hooks, CPU ms: ${summary(plain)}` +
    (compareFiles ? `; ${compareDir}: ${summary(compared)}; ratio of medians ${(median(plain) / median(compared)).toFixed(2)}` : '');
  if (plainOnly) {
    console.log(`rhino, ${label}: ${plainLine}`);
    continue;
  }
  const byExecution = EXECUTIONS.map(() => [] as Awaited<ReturnType<typeof profiled>>[]);
  for (let j = 0; j < jvms; j++) {
    const runner = createRhinoRunner('rhino', options);
    try {
      for (let e = 1; e <= EXECUTIONS[EXECUTIONS.length - 1]!; e++) {
        const p = await profiled(runner);
        const at = EXECUTIONS.indexOf(e);
        if (at >= 0) byExecution[at]!.push(p);
      }
    } finally {
      await runner.close();
    }
  }
  const names = [...new Set(byExecution.flatMap((runs) => runs.flatMap((r) => [...r.stages.keys()])))];
  const column = (runs: Awaited<ReturnType<typeof profiled>>[], stage: string) => median(runs.map((r) => r.stages.get(stage) ?? 0));
  names.sort((a, b) => column(byExecution[0]!, b) - column(byExecution[0]!, a));
  console.log(`\nrhino, ${label} (${byExecution[0]![0]!.findings})`);
  console.log(`  ${'stage'.padEnd(52)} ${EXECUTIONS.map((e) => `exec ${e}`.padStart(9)).join(' ')}   calls (exec 1)`);
  for (const stage of names) {
    const calls = byExecution[0]![0]!.calls[stage];
    console.log(
      `  ${stage.padEnd(52)} ${byExecution.map((runs) => column(runs, stage).toFixed(1).padStart(9)).join(' ')}   ${calls ?? ''}`,
    );
  }
  console.log(
    `  ${`total ${UNIT} (median)`.padEnd(52)} ${byExecution
      .map((runs) =>
        median(runs.map((r) => r.cpu))
          .toFixed(1)
          .padStart(9),
      )
      .join(' ')}`,
  );
  if (withPlain) console.log(`  ${plainLine}`);
}
