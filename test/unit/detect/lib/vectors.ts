// The shared detection vectors (test/vectors/detect/*.json; format in test/vectors/README.md) and
// the comparison every runner applies: the reported (type, field, start, end, path) set must equal
// the expected set, and each finding must reach `minConfidence` when the vector gives one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './es5-engine.ts';
import type { Finding } from './es5-engine.ts';

export const VECTOR_DIR = join(ROOT, 'test', 'vectors', 'detect');

export interface ExpectedFinding {
  type: string;
  field: string;
  start: number;
  end: number;
  path?: string;
  minConfidence?: number;
}

export interface DetectVector {
  name: string;
  description: string;
  input: { kind: string; headers?: Record<string, string>; query?: string; body?: string; bodyBase64?: string; contentType?: string };
  expected: ExpectedFinding[];
}

export function loadVectors(): DetectVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(VECTOR_DIR, f), 'utf8')) as DetectVector);
}

/** The message a scanner receives for a vector (bodyBase64 becomes bodyBytes). */
export function messageOf(v: DetectVector): Record<string, unknown> {
  const m: Record<string, unknown> = { headers: v.input.headers ?? {}, query: v.input.query ?? '', contentType: v.input.contentType ?? '' };
  if (v.input.bodyBase64 !== undefined) m.bodyBytes = Array.from(Buffer.from(v.input.bodyBase64, 'base64'));
  else m.body = v.input.body ?? '';
  return m;
}

const keyOf = (f: { type: string; field: string; start: number; end: number; path?: string }) =>
  `${f.type} ${f.field} [${f.start},${f.end})${f.path === undefined ? '' : ` ${f.path}`}`;

/** Differences between what a scanner reported and what the vector expects (empty = pass). */
export function compare(v: DetectVector, got: Finding[]): string[] {
  const problems: string[] = [];
  const want = new Map(v.expected.map((e) => [keyOf(e), e]));
  const have = new Map(got.map((f) => [keyOf(f), f]));
  for (const [k, e] of want) {
    const f = have.get(k);
    if (!f) problems.push(`missing ${k}`);
    else if (e.minConfidence !== undefined && f.confidence < e.minConfidence)
      problems.push(`low confidence ${f.confidence} < ${e.minConfidence}: ${k}`);
  }
  for (const k of have.keys()) if (!want.has(k)) problems.push(`unexpected ${k}`);
  return problems;
}
