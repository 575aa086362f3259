// The RuleSet `palisade scan` and the detection tools run: the compiled built-in set (version 0,
// written by scripts/build-steps/20-builtin-rules.mjs as canonical proto JSON) plus, optionally,
// custom detectors compiled on the spot and appended with their indexes shifted.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileDetectors } from '../../control-plane/detect/compile-detectors.ts';
import { BUILTIN_DETECTORS } from '../../control-plane/detect/builtin-detectors.ts';
import type { DetectorSourceInput } from '../../control-plane/detect/detector-source.ts';
import { ruleSetType } from './wasm-scanner.ts';

export const BUILTIN_RULES_JSON = fileURLToPath(new URL('../../apigee-sharedflow/build/builtin-rules.json', import.meta.url));

interface RuleSetShape {
  automata: { acceptDetectors: number[] }[];
  detectors: { searchAutomaton: number; reverseAutomaton: number }[];
}

/** The built-in RuleSet as a protobufjs plain object; compiles the sources when the build output is missing. */
export function builtinRuleSetObject(jsonPath: string = BUILTIN_RULES_JSON): Record<string, unknown> {
  const type = ruleSetType();
  if (existsSync(jsonPath)) {
    const message = type.fromObject(JSON.parse(readFileSync(jsonPath, 'utf8')));
    return type.toObject(message, { defaults: true, arrays: true }) as Record<string, unknown>;
  }
  // No build output (a fresh checkout): compile here — slower (seconds), same result.
  const compiled = compileDetectors(BUILTIN_DETECTORS);
  const message = type.fromObject({ version: 0, automata: compiled.automata, detectors: compiled.detectors });
  return type.toObject(message, { defaults: true, arrays: true }) as Record<string, unknown>;
}

/**
 * Reads a custom detector file: a JSON array of detector sources (docs/detectors.md §11) or an
 * object with a `detectors` array. Throws Error with a message naming the file on bad JSON.
 */
export function readDetectorSources(path: string): DetectorSourceInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`rules file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { detectors?: unknown })?.detectors;
  if (!Array.isArray(list)) throw new Error(`rules file ${path}: expected an array of detectors or {"detectors": [...]}`);
  return list as DetectorSourceInput[];
}

/** Appends custom detectors (compiled, marked custom) to a RuleSet object, shifting their indexes. */
export function withCustomDetectors(base: Record<string, unknown>, sources: DetectorSourceInput[]): Record<string, unknown> {
  if (sources.length === 0) return base;
  const type = ruleSetType();
  const compiled = compileDetectors(sources, { custom: true });
  const custom = type.toObject(type.fromObject({ automata: compiled.automata, detectors: compiled.detectors }), {
    defaults: true,
    arrays: true,
  }) as unknown as RuleSetShape;
  const baseShape = base as unknown as RuleSetShape;
  const automatonShift = baseShape.automata.length;
  const detectorShift = baseShape.detectors.length;
  for (const a of custom.automata) a.acceptDetectors = a.acceptDetectors.map((d) => d + detectorShift);
  for (const d of custom.detectors) {
    d.searchAutomaton += automatonShift;
    d.reverseAutomaton += automatonShift;
  }
  return {
    ...base,
    automata: [...baseShape.automata, ...custom.automata],
    detectors: [...baseShape.detectors, ...custom.detectors],
  };
}

/** Serialized RuleSet from a plain object. */
export function encodeRuleSetObject(ruleSet: Record<string, unknown>): Uint8Array {
  const type = ruleSetType();
  return type.encode(type.fromObject(ruleSet)).finish();
}

/** Canonical proto3 JSON of a RuleSet object: the form the ES5 scanner (Apigee) reads. */
export function canonicalRuleSetJson(ruleSet: Record<string, unknown>): Record<string, unknown> {
  const type = ruleSetType();
  const message = type.decode(encodeRuleSetObject(ruleSet));
  return type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false, json: true });
}
