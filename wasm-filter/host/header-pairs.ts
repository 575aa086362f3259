// The serialized header-map ("pairs") format of Proxy-Wasm (spec "Serialization"; cpp-host
// src/pairs_util.cc; notes §3): u32 count, then count × (u32 key_len, u32 value_len), then each
// key and value followed by a NUL. All little-endian; lengths exclude the NUL.

/** One header (or metadata) entry. Names are kept as given; Envoy lower-cases on write. */
export type HeaderPair = readonly [name: string, value: string];

/** cpp-host limits.h: PROXY_WASM_HOST_PAIRS_MAX_BYTES and PROXY_WASM_HOST_PAIRS_MAX_COUNT. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Serializes pairs exactly as cpp-host's toPairs counterpart; an empty map is zero bytes.
 * Hot path (every proxy_get_header_map_pairs): the keys and values go out as ONE string joined
 * with NULs, encoded by a single native call, instead of one encoder call per key and value.
 */
export function serializePairs(pairs: readonly HeaderPair[]): Uint8Array {
  const n = pairs.length;
  if (n === 0) return new Uint8Array(0);
  let joined = '';
  for (let i = 0; i < n; i++) joined += pairs[i]![0] + '\0' + pairs[i]![1] + '\0';
  const headerSize = 4 + n * 8;
  const textSize = Buffer.byteLength(joined, 'utf8');
  const out = Buffer.allocUnsafe(headerSize + textSize);
  out.writeUInt32LE(n, 0);
  // All ASCII (the usual case): every byte length is the string length; else measure each.
  const ascii = textSize === joined.length;
  for (let i = 0, p = 4; i < n; i++, p += 8) {
    const [k, v] = pairs[i]!;
    out.writeUInt32LE(ascii ? k.length : Buffer.byteLength(k, 'utf8'), p);
    out.writeUInt32LE(ascii ? v.length : Buffer.byteLength(v, 'utf8'), p + 4);
  }
  out.write(joined, headerSize, 'utf8');
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
