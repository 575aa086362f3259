// The serialized header-map ("pairs") format of Proxy-Wasm (spec "Serialization"; cpp-host
// src/pairs_util.cc; notes §3): u32 count, then count × (u32 key_len, u32 value_len), then each
// key and value followed by a NUL. All little-endian; lengths exclude the NUL.

/** One header (or metadata) entry. Names are kept as given; Envoy lower-cases on write. */
export type HeaderPair = readonly [name: string, value: string];

/** cpp-host limits.h: PROXY_WASM_HOST_PAIRS_MAX_BYTES and PROXY_WASM_HOST_PAIRS_MAX_COUNT. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Serializes pairs exactly as cpp-host's toPairs counterpart; an empty map is zero bytes. */
export function serializePairs(pairs: readonly HeaderPair[]): Uint8Array {
  if (pairs.length === 0) return new Uint8Array(0);
  const encoded = pairs.map(([k, v]) => [encoder.encode(k), encoder.encode(v)] as const);
  let size = 4;
  for (const [k, v] of encoded) size += 8 + k.length + 1 + v.length + 1;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, encoded.length, true);
  let p = 4;
  for (const [k, v] of encoded) {
    view.setUint32(p, k.length, true);
    view.setUint32(p + 4, v.length, true);
    p += 8;
  }
  for (const [k, v] of encoded) {
    out.set(k, p);
    p += k.length + 1; // the NUL is already 0
    out.set(v, p);
    p += v.length + 1;
  }
  return out;
}

/**
 * Parses the pairs format strictly, like cpp-host: anything malformed (too short, more than 1 MiB
 * or 1024 entries, a missing NUL, trailing bytes) yields an EMPTY map, never an error (notes §3).
 */
export function parsePairs(bytes: Uint8Array): HeaderPair[] {
  if (bytes.length < 4 || bytes.length > PAIRS_MAX_BYTES) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (count > PAIRS_MAX_COUNT) return [];
  let p = 4;
  if (p + count * 8 > bytes.length) return [];
  const sizes: [number, number][] = [];
  for (let i = 0; i < count; i++, p += 8) sizes.push([view.getUint32(p, true), view.getUint32(p + 4, true)]);
  const out: HeaderPair[] = [];
  for (const [kl, vl] of sizes) {
    if (p + kl + 1 > bytes.length || bytes[p + kl] !== 0) return [];
    const key = decoder.decode(bytes.subarray(p, p + kl));
    p += kl + 1;
    if (p + vl + 1 > bytes.length || bytes[p + vl] !== 0) return [];
    const value = decoder.decode(bytes.subarray(p, p + vl));
    p += vl + 1;
    out.push([key, value]);
  }
  return p === bytes.length ? out : [];
}
