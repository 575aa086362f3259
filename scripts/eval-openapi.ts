// Scores generated OpenAPI documents against gen-traffic's ground truth: endpoint templates,
// parameters, status codes and response schema fields, each as precision / recall / F1. Templates
// compare with parameter names erased (`/users/{}`): naming is a matter of taste, placement is not.
//   npx tsx scripts/eval-openapi.ts --truth truth.json openapi.*.json [--json] [--min-endpoint-f1 0.98]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { TruthEndpoint } from './gen-traffic/generate.ts';

export interface Score {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  predicted: number;
  expected: number;
}

export function score(predicted: Set<string>, expected: Set<string>): Score {
  let tp = 0;
  for (const p of predicted) if (expected.has(p)) tp++;
  const precision = predicted.size ? tp / predicted.size : expected.size ? 0 : 1;
  const recall = expected.size ? tp / expected.size : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePositives: tp, predicted: predicted.size, expected: expected.size };
}

const norm = (path: string): string => path.replace(/\{[^}]*\}/g, '{}');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function schemaFields(s: unknown, path: string, out: Set<string>): void {
  if (!s || typeof s !== 'object') return;
  out.add(path);
  const o = s as Record<string, unknown>;
  if (o.properties && typeof o.properties === 'object')
    for (const [k, v] of Object.entries(o.properties)) schemaFields(v, `${path}.${k}`, out);
  if (o.items) schemaFields(o.items, `${path}[]`, out);
}

export interface Evaluation {
  endpoints: Score;
  parameters: Score;
  statuses: Score;
  fields: Score;
  missing: string[];
  extra: string[];
}

/** `docs`: generated documents; a path's hosts come from its own `servers` when it has them, else the document's. */
export function evaluate(truth: readonly TruthEndpoint[], docs: readonly Record<string, unknown>[]): Evaluation {
  const pE = new Set<string>();
  const pP = new Set<string>();
  const pS = new Set<string>();
  const pF = new Set<string>();
  for (const doc of docs) {
    const servers = (doc.servers as { url: string }[] | undefined) ?? [];
    const docHosts = servers.map((s) => new URL(s.url).hostname);
    for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
      const own = item.servers as { url: string }[] | undefined;
      const hosts = own ? own.map((s) => new URL(s.url).hostname) : docHosts;
      for (const m of METHODS) {
        const op = item[m] as Record<string, unknown> | undefined;
        if (!op) continue;
        for (const host of hosts) {
          const key = `${host} ${m.toUpperCase()} ${norm(path)}`;
          pE.add(key);
          for (const p of (op.parameters ?? []) as { name: string; in: string }[])
            if (p.in !== 'path') pP.add(`${key} ${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`);
          for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Record<string, unknown>>)) {
            pS.add(`${key} ${code}`);
            const content = (r.content ?? {}) as Record<string, { schema?: unknown }>;
            for (const media of Object.values(content)) {
              const set = new Set<string>();
              schemaFields(media.schema, '$', set);
              for (const f of set) pF.add(`${key} ${code} ${f}`);
            }
          }
        }
      }
    }
  }
  const tE = new Set<string>();
  const tP = new Set<string>();
  const tS = new Set<string>();
  const tF = new Set<string>();
  for (const t of truth) {
    const key = `${t.host} ${t.method} ${norm(t.path)}`;
    tE.add(key);
    for (const p of t.params) tP.add(`${key} ${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`);
    for (const s of t.statuses) tS.add(`${key} ${s}`);
    for (const [code, fields] of Object.entries(t.responseFields)) for (const f of fields) tF.add(`${key} ${code} ${f}`);
  }
  return {
    endpoints: score(pE, tE),
    parameters: score(pP, tP),
    statuses: score(pS, tS),
    fields: score(pF, tF),
    missing: [...tE].filter((k) => !pE.has(k)).sort(),
    extra: [...pE].filter((k) => !tE.has(k)).sort(),
  };
}

function load(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  return (/\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { truth: { type: 'string' }, json: { type: 'boolean', default: false }, 'min-endpoint-f1': { type: 'string' } },
  });
  if (!values.truth || positionals.length === 0) {
    console.error('usage: eval-openapi.ts --truth truth.json openapi.json [more.json ...] [--json] [--min-endpoint-f1 0.98]');
    process.exitCode = 2;
    return;
  }
  const ev = evaluate(JSON.parse(readFileSync(values.truth, 'utf8')) as TruthEndpoint[], positionals.map(load));
  if (values.json) console.log(JSON.stringify(ev, null, 2));
  else {
    const f = (s: Score) =>
      `P=${s.precision.toFixed(4)} R=${s.recall.toFixed(4)} F1=${s.f1.toFixed(4)} (${s.truePositives}/${s.predicted} predicted, ${s.expected} expected)`;
    console.log(`endpoint templates  ${f(ev.endpoints)}`);
    console.log(`parameters          ${f(ev.parameters)}`);
    console.log(`status codes        ${f(ev.statuses)}`);
    console.log(`schema fields       ${f(ev.fields)}`);
    for (const m of ev.missing) console.log(`  missing  ${m}`);
    for (const x of ev.extra) console.log(`  extra    ${x}`);
  }
  const min = values['min-endpoint-f1'] ? Number(values['min-endpoint-f1']) : undefined;
  if (min !== undefined && ev.endpoints.f1 < min) {
    console.error(`endpoint-template F1 ${ev.endpoints.f1.toFixed(4)} is below ${min}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
