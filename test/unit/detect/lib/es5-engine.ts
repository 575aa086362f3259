// Loads the ES5 detection engine (apigee-sharedflow/src/detect/, in order.json order) into a
// fresh V8 context, the way the bundle concatenates it for Rhino, and the compiled built-in
// RuleSet in canonical proto JSON (the build output, or compiled on the spot when missing).
import vm from 'node:vm';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const DETECT_SRC = join(ROOT, 'apigee-sharedflow', 'src', 'detect');
export const BUILTIN_JSON = join(ROOT, 'apigee-sharedflow', 'build', 'builtin-rules.json');

export interface Finding {
  type: string;
  field: string;
  start: number;
  end: number;
  path?: string;
  confidence: number;
  masked: string;
  severity: string;
  category: string;
}

export interface Es5Engine {
  scanMessage(ruleSet: unknown, message: unknown, limits?: unknown): Finding[];
}

export function detectSourceFiles(): string[] {
  const order = JSON.parse(readFileSync(join(DETECT_SRC, 'order.json'), 'utf8')) as string[];
  return order.map((f) => join(DETECT_SRC, f));
}

/** The engine's sources concatenated, as the bundle ships them. */
export function engineSource(): string {
  return detectSourceFiles()
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

export function loadEs5Engine(): Es5Engine {
  const context = vm.createContext({});
  vm.runInContext(engineSource(), context, { filename: 'palisade-detect.js' });
  return (context as { PalisadeDetect: Es5Engine }).PalisadeDetect;
}

let builtin: Record<string, unknown> | undefined;

/** The built-in RuleSet in canonical proto JSON. */
export async function builtinRuleSetJson(): Promise<Record<string, unknown>> {
  if (builtin) return builtin;
  if (existsSync(BUILTIN_JSON)) builtin = JSON.parse(readFileSync(BUILTIN_JSON, 'utf8')) as Record<string, unknown>;
  else {
    const { buildBuiltinRuleSet } = await import('../../../../control-plane/detect/builtin-rule-set.ts');
    builtin = buildBuiltinRuleSet().json;
  }
  return builtin;
}
