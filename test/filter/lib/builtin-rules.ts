// The built-in RuleSet (version 0, compiled detectors) as embedded in palisade.wasm, read from the
// generated source (scripts/build-steps/20-builtin-rules.mjs), so a test can push "the built-in
// detectors plus these policies" the way the control plane publishes a full RuleSet.
import { readFileSync } from 'node:fs';
import { encodeMessage } from './proto.ts';

const GENERATED = 'wasm-filter/assembly/generated/builtin-rules.ts';
let cached: Buffer | undefined;

export function builtinRuleSetBytes(): Buffer {
  if (cached) return cached;
  const text = readFileSync(GENERATED, 'utf8');
  const list = text.slice(text.indexOf('= [') + 3, text.lastIndexOf(']'));
  cached = Buffer.from(
    list
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(Number),
  );
  return cached;
}

/**
 * The built-in detectors with `rules` (version, policies, settings) on top. Protobuf merges
 * concatenated messages: the later version wins and repeated policies are appended.
 */
export function builtinWith(rules: Record<string, unknown>): Buffer {
  return Buffer.concat([builtinRuleSetBytes(), encodeMessage('RuleSet', rules)]);
}
