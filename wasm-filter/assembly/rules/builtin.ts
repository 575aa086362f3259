// The rule set in force before (or without) a control plane: RuleSet version 0, the compiled
// built-in detectors, embedded at build time by scripts/build-steps/20-builtin-rules.mjs
// (generated/builtin-rules-packed.ts, DEFLATE-packed by scripts/lib/rules-pack.mjs: about 40 % of
// the bytes, which keeps palisade.wasm under its size goal). It is decoded by the same RuleSet decoder as
// pushed rules, so a broken embed is refused with the same error a broken push would get.
import { BUILTIN_RULES_PACKED } from "../generated/builtin-rules-packed";
import { inflate } from "./inflate";

/** The RuleSet bytes, or null when the embedded packing is corrupt. */
export function builtinRuleSetBytes(): ArrayBuffer | null {
  return inflate(changetype<usize>(BUILTIN_RULES_PACKED), <usize>BUILTIN_RULES_PACKED.length);
}
