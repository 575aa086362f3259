// Types of lz-pack.mjs for TypeScript callers (tests).
export function lzPack(src: Uint8Array): Uint8Array;
export function lzUnpack(src: Uint8Array): Uint8Array;
