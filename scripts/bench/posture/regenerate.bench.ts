// Time to regenerate every OpenAPI document and every risk score (with conformance and classes)
// for 10,000 endpoints. Input is fixed: the gen-traffic capture (seed 7) discovered once, then its
// 41 endpoints replicated over 244 hosts (10,004 endpoints). Baseline, same run: a JSON round trip
// of the same inventory — the cost of merely touching every statistic once.
//   npm run bench -- posture
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateExchanges } from '../../gen-traffic/generate.ts';
import { discoverFromCapture } from '../../../control-plane/posture/discover/discover.ts';
import type { InventoryEndpoint } from '../../../control-plane/posture/model.ts';
import { generateOpenApi, generateOpenApiPerHost } from '../../../control-plane/posture/openapi-generate.ts';
import { evaluatePosture } from '../../../control-plane/posture/posture-evaluate.ts';
import { INITIAL_RISK_MODEL } from '../../../control-plane/posture/risk-model.ts';
import { parseSpec } from '../../../control-plane/posture/spec-parse.ts';

const GOAL_MS = 5000;
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
const capture = join(dir, 'traffic.jsonl');
writeFileSync(capture, [...generateExchanges(5000, 7)].map((e) => JSON.stringify(e)).join('\n'));
const { endpoints: seed } = await discoverFromCapture(capture);
const HOSTS = Math.ceil(10_000 / seed.length);
const endpoints: InventoryEndpoint[] = [];
for (let h = 0; h < HOSTS; h++) for (const e of seed) endpoints.push({ ...e, host: `${e.host.split('.')[0]}-${h}.bench.example` });
// The uploaded spec is the runtime spec of one API with a few operations removed: conformance has
// real work (matches, misses, body checks) on every endpoint.
const specDoc = generateOpenApi(seed.filter((_e, i) => i % 7 !== 0));
const spec = await parseSpec(JSON.stringify(specDoc), { hosts: [] });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => unknown): number {
  globalThis.gc?.();
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const baseline: number[] = [];
const figure: number[] = [];
let docs = 0;
let scored = 0;
for (let i = 0; i < RUNS; i++) {
  baseline.push(time(() => JSON.parse(JSON.stringify(endpoints))));
  figure.push(
    time(() => {
      docs = generateOpenApiPerHost(endpoints).size;
      scored = evaluatePosture(endpoints, [spec], INITIAL_RISK_MODEL, { now: Date.UTC(2026, 1, 1) }).endpoints.size;
    }),
  );
}
const f = median(figure);
const b = median(baseline);
console.log(`posture regenerate: ${endpoints.length} endpoints, ${docs} OpenAPI documents, ${scored} risk scores`);
console.log(`  figure    ${f.toFixed(0)} ms (median of ${RUNS}; goal < ${GOAL_MS} ms)`);
console.log(`  baseline  ${b.toFixed(0)} ms (JSON round trip of the same inventory)`);
console.log(`  ratio     ${(f / b).toFixed(1)}x baseline`);
console.log('  note: 2 cores shared with other work; compare ratios, not absolute times');
if (f > GOAL_MS) process.exitCode = 1;
