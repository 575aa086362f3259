// The serialized header-map ("pairs") format of Proxy-Wasm (spec "Serialization"; cpp-host
// src/pairs_util.cc; notes §3): u32 count, then count × (u32 key_len, u32 value_len), then each
// key and value followed by a NUL. All little-endian; lengths exclude the NUL.

/** One header (or metadata) entry. Names are kept as given; Envoy lower-cases on write. */
export type HeaderPair = readonly [name: string, value: string];

/** cpp-host limits.h: PROXY_WASM_HOST_PAIRS_MAX_BYTES and PROXY_WASM_HOST_PAIRS_MAX_COUNT. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Strings up to this many UTF-16 units are copied by a JS loop when ASCII; longer ones are encoded natively. */
const SHORT_STRING = 48;

/**
 * Serializes pairs into one buffer it keeps and reuses. Hot path (every proxy_get_header_map_pairs):
 * most names and values are short ASCII, copied by a loop with no call and no string made; a
 * longer or non-ASCII string is one native UTF-8 encode. Joining everything into one string for a
 * single encode (the former way) made ~2 strings per pair and measured every byte twice.
 */
export class PairsEncoder {
  private buf = Buffer.allocUnsafeSlow(4096);
  /** The lengths go in through a DataView: Buffer.writeUInt32LE checks its arguments in JS each time. */
  private lengths = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);

  /** The serialization of a non-empty `pairs`: a view valid until the next encode(). */
  encode(pairs: readonly HeaderPair[]): Uint8Array {
    const n = pairs.length;
    let units = 0;
    for (let i = 0; i < n; i++) units += pairs[i]![0].length + pairs[i]![1].length;
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is 4 bytes for 2 units).
    const most = 4 + n * 10 + units * 3;
    if (most > this.buf.length) {
      this.buf = Buffer.allocUnsafeSlow(Math.max(most, this.buf.length * 2));
      this.lengths = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    const out = this.buf;
    const lengths = this.lengths;
    lengths.setUint32(0, n, true);
    let p = 4 + n * 8;
    for (let i = 0, slot = 4; i < n; i++, slot += 8) {
      const [k, v] = pairs[i]!;
      let end = putUtf8(out, k, p);
      lengths.setUint32(slot, end - p, true);
      out[end] = 0;
      p = end + 1;
      end = putUtf8(out, v, p);
      lengths.setUint32(slot + 4, end - p, true);
      out[end] = 0;
      p = end + 1;
    }
    return out.subarray(0, p);
  }
}

/** Writes `s` as UTF-8 at `at` (room is there); returns where it ends. */
function putUtf8(out: Buffer, s: string, at: number): number {
  const len = s.length;
  if (len <= SHORT_STRING) {
    let j = 0;
    for (; j < len; j++) {
      const c = s.charCodeAt(j);
      if (c > 0x7f) break;
      out[at + j] = c;
    }
    if (j === len) return at + len;
  }
  // Long, or not ASCII (lone surrogates become U+FFFD, as everywhere else here).
  return at + out.write(s, at, 'utf8');
}

const encoder = new PairsEncoder();

/** Serializes pairs exactly as cpp-host's toPairs counterpart; an empty map is zero bytes. */
export function serializePairs(pairs: readonly HeaderPair[]): Uint8Array {
  if (pairs.length === 0) return new Uint8Array(0);
  return Buffer.from(encoder.encode(pairs)); // a copy: the encoder's buffer is reused
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
