// Reads the shared detection vectors (test/vectors/detect/*.json, format in test/vectors/README.md)
// and compares a scanner's findings with a vector's expectation. Pure: no wasm here, so the same
// comparison serves the wasm scanner's test and any tool that wants to diff engines.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DetectorSourceInput } from '../../control-plane/detect/detector-source.ts';
import type { ScanMessage } from './wasm-scanner.ts';

export const VECTORS_DIR = fileURLToPath(new URL('../../test/vectors/detect/', import.meta.url));
export const SKIP_FILE = fileURLToPath(new URL('./vectors-skip.json', import.meta.url));

export interface ExpectedFinding {
  type: string;
  field: string;
  start: number;
  end: number;
  path?: string;
  confidence?: number;
  minConfidence?: number;
}

export interface DetectVector {
  file: string;
  name: string;
  input: ScanMessage;
  /** Custom detectors compiled with the built-ins for this case, when the vector has any. */
  detectors?: DetectorSourceInput[];
  expected: ExpectedFinding[];
}

export interface ActualFinding {
  type: string;
  field: string;
  start: number;
  end: number;
  confidence: number;
  path?: string;
}

/** Every vector file, sorted by name (missing folder = none). */
export function readVectors(dir: string = VECTORS_DIR): DetectVector[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<DetectVector, 'file'> & {
        rules?: { detectors?: DetectorSourceInput[] };
      };
      return {
        file,
        name: raw.name ?? file,
        input: raw.input,
        detectors: raw.detectors ?? raw.rules?.detectors,
        expected: raw.expected ?? [],
      };
    });
}

/** The skip list: vector file name → reason. */
export function readSkips(path: string = SKIP_FILE): Record<string, string> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { skip: Record<string, string> }).skip;
}

const key = (f: { type: string; field: string; start: number; end: number }) => `${f.type} ${f.field} [${f.start},${f.end})`;

/** Differences between actual and expected findings (empty = the vector passes). */
export function compareFindings(actual: ActualFinding[], expected: ExpectedFinding[]): string[] {
  const problems: string[] = [];
  const remaining = [...actual];
  for (const e of expected) {
    const i = remaining.findIndex((a) => key(a) === key(e));
    if (i < 0) {
      problems.push(`missing ${key(e)}`);
      continue;
    }
    const a = remaining.splice(i, 1)[0]!;
    if (e.path !== undefined && a.path !== e.path)
      problems.push(`${key(e)}: path ${JSON.stringify(a.path)}, expected ${JSON.stringify(e.path)}`);
    if (e.confidence !== undefined && a.confidence !== e.confidence)
      problems.push(`${key(e)}: confidence ${a.confidence}, expected ${e.confidence}`);
    if (e.minConfidence !== undefined && a.confidence < e.minConfidence) {
      problems.push(`${key(e)}: confidence ${a.confidence} below ${e.minConfidence}`);
    }
  }
  for (const a of remaining) problems.push(`unexpected ${key(a)} (confidence ${a.confidence})`);
  return problems;
}
