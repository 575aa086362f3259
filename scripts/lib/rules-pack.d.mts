// Types of rules-pack.mjs for TypeScript callers (tests).
export function rulesPack(raw: Uint8Array): Uint8Array;
export function rulesUnpack(packed: Uint8Array): Uint8Array;
