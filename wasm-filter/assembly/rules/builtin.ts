// The rule set in force before (or without) a control plane: RuleSet version 0, the compiled
// built-in detectors, embedded at build time by scripts/build-steps/20-builtin-rules.mjs
// (generated/builtin-rules-packed.ts, packed by scripts/lib/lz-pack.mjs: about half the bytes,
// which keeps palisade.wasm under its size goal). It is decoded by the same RuleSet decoder as
// pushed rules, so a broken embed is refused with the same error a broken push would get.
import { BUILTIN_RULES_PACKED } from "../generated/builtin-rules-packed";
import { lzUnpack } from "./lz-unpack";

/** The RuleSet bytes, or null when the embedded packing is corrupt. */
export function builtinRuleSetBytes(): ArrayBuffer | null {
  return lzUnpack(changetype<usize>(BUILTIN_RULES_PACKED), <usize>BUILTIN_RULES_PACKED.length);
}
