// The built-in RuleSet (version 0): the compiled built-in detectors, no policies, default
// settings. The build step embeds it in the filter (protobuf bytes) and in the Apigee bundle
// (canonical proto JSON); both gateways decode it with the same code they use for pushed rules.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from '../../proto/load.ts';
import { BUILTIN_DETECTORS } from './builtin-detectors.ts';
import { compileDetectors } from './compile-detectors.ts';
import { detectorsDigest as tablesDigest, ruleSetDigest } from '../rules/compile-rule-set.ts';
import type { CompiledDetectors } from './compile-detectors.ts';

/** Settings of the built-in set; the same values the rules compiler applies when a source leaves
 * them unset (control-plane/rules). */
export const BUILTIN_SETTINGS = Object.freeze({
  defaultMode: 'MODE_MONITOR',
  maxBodyBytes: 128 * 1024,
  inspectContentTypes: ['application/json', 'application/x-www-form-urlencoded', 'application/xml', 'text/*'],
  samplePercent: 100,
  minConfidence: 50,
  maxFindingsPerEvent: 32,
  maxShapeFields: 256,
});

let root: protobuf.Root | undefined;
function ruleSetType(): protobuf.Type {
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
    root.loadSync(PROTO_FILES, { keepCase: false });
    root.resolveAll();
  }
  return root.lookupType('palisade.v1.RuleSet');
}

export interface BuiltinRuleSet {
  /** proto-loader object shape (camelCase, enums by name, bytes as Buffer). */
  ruleSet: Record<string, unknown>;
  /** Protobuf binary. */
  bytes: Uint8Array;
  /** Canonical proto3 JSON (bytes base64, enums by name, 64-bit as strings, defaults omitted). */
  json: Record<string, unknown>;
}

/** Compiles the built-in detectors into RuleSet version 0. */
export function buildBuiltinRuleSet(
  compiled: CompiledDetectors = compileDetectors(BUILTIN_DETECTORS, { sparseTables: true }),
): BuiltinRuleSet {
  const type = ruleSetType();
  const body = { automata: compiled.automata, detectors: compiled.detectors, policies: [], settings: BUILTIN_SETTINGS };
  // Fields 3-6 only (rules.proto: RuleSet.digest), computed exactly as the rules compiler does
  // (defaults pruned before encoding), so the control plane's set with the same content has the same digest.
  const digest = ruleSetDigest(body as Parameters<typeof ruleSetDigest>[0]);
  // Fields 3-4 only (RuleSet.detectors_digest), computed exactly as the rules compiler does: a
  // gateway states it, so a control plane version with the same tables can be pushed without them.
  const detectorsDigest = tablesDigest(compiled);
  const ruleSet = { version: '0', publishedAtMs: '0', ...body, digest, comment: 'built-in detectors', detectorsDigest };
  const message = type.fromObject(ruleSet);
  const bytes = type.encode(message).finish();
  const json = type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false, json: true });
  return { ruleSet, bytes, json };
}
