// Detection quality report: runs a scanner over the labelled corpus (test/corpus/detect-corpus.jsonl)
// and prints precision, recall and F1 per type and the micro average. A finding counts as a true
// positive when type, field, start and end equal a label's; anything else reported is a false
// positive, any label not reported a false negative.
//   npx tsx scripts/eval-detect.ts [--engine wasm|es5] [--json] [--show-errors]
// Engines: `wasm` (default) is the built palisade.wasm, the scanner Envoy runs (`node
// scripts/build.mjs builtin-rules wasm` first); `es5` is the Apigee scanner in Node.
// Goal (issue 6): micro F1 >= 0.97 and no type below 0.90. Exit code 1 when the goal is missed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRuleSetJson, loadEs5Engine } from '../test/unit/detect/lib/es5-engine.ts';
import { builtinRuleSetObject, encodeRuleSetObject } from '../wasm-filter/tools/scan-rules.ts';
import { WasmScanner } from '../wasm-filter/tools/wasm-scanner.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Label {
  type: string;
  field: string;
  start: number;
  end: number;
}
interface CorpusMessage {
  id: string;
  template: string;
  input: { kind: string; headers: Record<string, string>; query: string; body: string; contentType: string };
  labels: Label[];
}
type Scanner = (message: CorpusMessage['input']) => Promise<Label[]> | Label[];

/** Scanners by name; each returns the findings for one corpus message. */
export const SCANNERS: Record<string, () => Promise<Scanner>> = {
  wasm: async () => {
    const scanner = await WasmScanner.load();
    scanner.loadRules(encodeRuleSetObject(builtinRuleSetObject()));
    return (m) => scanner.scan({ ...m, kind: m.kind === 'response' ? 'response' : 'request' }).findings;
  },
  es5: async () => {
    const engine = loadEs5Engine();
    const rules = await builtinRuleSetJson();
    return (m) => engine.scanMessage(rules, m, {});
  },
};

export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function loadCorpus(file = join(root, 'test', 'corpus', 'detect-corpus.jsonl')): CorpusMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusMessage);
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export async function evaluate(
  scanner: Scanner,
  corpus: CorpusMessage[],
  errors: string[] = [],
): Promise<{ types: TypeScore[]; micro: TypeScore }> {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (type: string, k: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    c[k]++;
    counts.set(type, c);
  };
  const key = (l: Label) => `${l.type} ${l.field} ${l.start} ${l.end}`;
  for (const m of corpus) {
    const got = await scanner(m.input);
    const want = new Set(m.labels.map(key));
    const have = new Set(got.map(key));
    for (const l of m.labels) {
      if (have.has(key(l))) bump(l.type, 'tp');
      else {
        bump(l.type, 'fn');
        errors.push(`FN ${m.id}: ${key(l)}`);
      }
    }
    for (const f of got) {
      if (!want.has(key(f))) {
        bump(f.type, 'fp');
        errors.push(`FP ${m.id}: ${key(f)}`);
      }
    }
  }
  const score = (type: string, c: { tp: number; fp: number; fn: number }): TypeScore => {
    const precision = ratio(c.tp, c.tp + c.fp);
    const recall = ratio(c.tp, c.tp + c.fn);
    return { type, ...c, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
  };
  const types = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, c]) => score(t, c));
  const total = types.reduce((acc, t) => ({ tp: acc.tp + t.tp, fp: acc.fp + t.fp, fn: acc.fn + t.fn }), { tp: 0, fp: 0, fn: 0 });
  return { types, micro: score('micro', total) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const engine = args.includes('--engine') ? args[args.indexOf('--engine') + 1]! : 'wasm';
  const make = SCANNERS[engine];
  if (!make) throw new Error(`unknown engine ${engine}; known: ${Object.keys(SCANNERS).join(', ')}`);
  const corpus = loadCorpus();
  const errors: string[] = [];
  const { types, micro } = await evaluate(await make(), corpus, errors);
  if (args.includes('--json')) {
    console.log(JSON.stringify({ engine, messages: corpus.length, types, micro }, null, 2));
  } else {
    const f = (x: number) => x.toFixed(3);
    console.log(`detection quality, engine ${engine}, ${corpus.length} messages, ${micro.tp + micro.fn} labels`);
    console.log(`${'type'.padEnd(24)} ${'tp'.padStart(5)} ${'fp'.padStart(5)} ${'fn'.padStart(5)}  precision  recall     f1`);
    for (const t of [...types, micro]) {
      console.log(
        `${t.type.padEnd(24)} ${String(t.tp).padStart(5)} ${String(t.fp).padStart(5)} ${String(t.fn).padStart(5)}  ${f(t.precision).padStart(9)}  ${f(t.recall).padStart(6)}  ${f(t.f1).padStart(5)}`,
      );
    }
  }
  if (args.includes('--show-errors')) for (const e of errors) console.log(e);
  const worst = types.reduce((m, t) => Math.min(m, t.f1), 1);
  const ok = micro.f1 >= 0.97 && worst >= 0.9;
  console.log(`goal (micro F1 >= 0.97, every type >= 0.90): ${ok ? 'met' : 'MISSED'}`);
  if (!ok) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
