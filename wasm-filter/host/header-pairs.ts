// The serialized header-map ("pairs") format of Proxy-Wasm (spec "Serialization"; cpp-host
// src/pairs_util.cc; notes §3): u32 count, then count × (u32 key_len, u32 value_len), then each
// key and value followed by a NUL. All little-endian; lengths exclude the NUL.

/** One header (or metadata) entry. Names are kept as given; Envoy lower-cases on write. */
export type HeaderPair = readonly [name: string, value: string];

/** cpp-host limits.h: PROXY_WASM_HOST_PAIRS_MAX_BYTES and PROXY_WASM_HOST_PAIRS_MAX_COUNT. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** What serializing some pairs takes: their keys and values joined, and the sizes. */
export interface PairsLayout {
  readonly pairs: readonly HeaderPair[];
  /** Every key and value, each followed by a NUL. */
  readonly joined: string;
  /** Bytes of `joined` in UTF-8. */
  readonly textSize: number;
  /** Bytes of the whole serialization. */
  readonly size: number;
}

/**
 * Lays out a non-empty map for writePairs (an empty map is zero bytes: nothing to write). Hot path
 * (every proxy_get_header_map_pairs): the keys and values go out as ONE string joined with NULs,
 * encoded by a single native call, instead of one encoder call per key and value.
 */
export function layOutPairs(pairs: readonly HeaderPair[]): PairsLayout {
  let joined = '';
  for (let i = 0; i < pairs.length; i++) joined += pairs[i]![0] + '\0' + pairs[i]![1] + '\0';
  const textSize = Buffer.byteLength(joined, 'utf8');
  return { pairs, joined, textSize, size: 4 + pairs.length * 8 + textSize };
}

/** Writes the serialization of `layout` at `at` in `out`, which has room for layout.size bytes. */
export function writePairs(layout: PairsLayout, out: Buffer, at: number): void {
  const { pairs, joined, textSize } = layout;
  const n = pairs.length;
  out.writeUInt32LE(n, at);
  // All ASCII (the usual case): every byte length is the string length; else measure each.
  const ascii = textSize === joined.length;
  for (let i = 0, p = at + 4; i < n; i++, p += 8) {
    const [k, v] = pairs[i]!;
    out.writeUInt32LE(ascii ? k.length : Buffer.byteLength(k, 'utf8'), p);
    out.writeUInt32LE(ascii ? v.length : Buffer.byteLength(v, 'utf8'), p + 4);
  }
  out.write(joined, at + 4 + n * 8, textSize, 'utf8');
}

/** Serializes pairs exactly as cpp-host's toPairs counterpart; an empty map is zero bytes. */
export function serializePairs(pairs: readonly HeaderPair[]): Uint8Array {
  if (pairs.length === 0) return new Uint8Array(0);
  const layout = layOutPairs(pairs);
  const out = Buffer.allocUnsafe(layout.size);
  writePairs(layout, out, 0);
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
