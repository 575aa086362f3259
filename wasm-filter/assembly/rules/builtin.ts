// The rule set in force before (or without) a control plane: RuleSet version 0, the compiled
// built-in detectors, embedded at build time by scripts/build-steps/20-builtin-rules.mjs
// (generated/builtin-rules.ts). It is decoded by the same RuleSet decoder as pushed rules, so a
// broken embed is refused with the same error a broken push would get.
import { BUILTIN_RULES } from "../generated/builtin-rules";

export function builtinRuleSetBytes(): ArrayBuffer {
  const n = BUILTIN_RULES.length;
  const out = new ArrayBuffer(n);
  memory.copy(changetype<usize>(out), changetype<usize>(BUILTIN_RULES), <usize>n);
  return out;
}
