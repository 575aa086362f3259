// The rule set in force before (or without) a control plane: RuleSet version 0, embedded at
// build time. SEAM: the compiler's build step writes generated/builtin-rules.ts (protobuf bytes of
// the compiled built-in detectors); until it exists this returns an empty RuleSet (no detectors,
// no policies), which the pipeline handles like any other.
export function builtinRuleSetBytes(): ArrayBuffer {
  return new ArrayBuffer(0);
}
