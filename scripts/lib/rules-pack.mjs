// The packing of the built-in RuleSet embedded in palisade.wasm (the module size counts: issue 7,
// < 256 KiB): a little-endian u32 of the unpacked size, then a raw DEFLATE stream (RFC 1951) at
// zlib's best compression. Unpacked once at VM start by wasm-filter/assembly/rules/inflate.ts.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** @param {Uint8Array} raw @returns {Uint8Array} */
export function rulesPack(raw) {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(raw.length);
  return new Uint8Array(Buffer.concat([size, deflateRawSync(raw, { level: 9 })]));
}

/** The inverse of rulesPack (for tests and tools); throws on malformed input. @param {Uint8Array} packed */
export function rulesUnpack(packed) {
  const b = Buffer.from(packed);
  const out = inflateRawSync(b.subarray(4));
  if (out.length !== b.readUInt32LE(0)) throw new Error('rules pack: size mismatch');
  return new Uint8Array(out);
}
