// Proxy-Wasm header-map serialization (notes §3, cpp-host src/pairs_util.cc), little-endian:
//   u32 N | N × (u32 key_len, u32 value_len) | N × (key, 0x00, value, 0x00)
// Pure functions over bytes so they are unit-tested without a host.
import { sameAscii } from "../util/ascii";

/** One header (or gRPC metadata entry). Names from Envoy are already lower case. */
export class HeaderPair {
  /**
   * The serialized map this pair was decoded from, when its value's bytes there are exactly
   * String.UTF8.encode(value) (pure ASCII): scanners read them in place instead of re-encoding
   * the value on every request. Null for pairs built in code or with non-ASCII values.
   */
  raw: ArrayBuffer | null = null;
  rawValueAt: u32 = 0;
  rawValueLength: u32 = 0;

  constructor(
    public name: string,
    public value: string,
  ) {}
}

// cpp-host refuses maps above these (PROXY_WASM_HOST_PAIRS_MAX_BYTES / _MAX_COUNT); we use the
// same bounds so a hostile host buffer cannot make us loop or allocate without limit.
// @ts-ignore: decorator
@inline const MAX_PAIRS_BYTES: usize = 1 << 20;
// @ts-ignore: decorator
@inline const MAX_PAIRS_COUNT: u32 = 1024;

// PairStrings keeps at most this many positions, of strings at most this long.
// @ts-ignore: decorator
@inline const CACHED_PAIRS: i32 = 64;
// @ts-ignore: decorator
@inline const CACHED_CHARS: usize = 256;

/**
 * The names and values of the last map decoded, by position. Requests through one listener carry
 * mostly the same headers in the same order (`:method` GET, `accept`, a user agent...): a string
 * equal to the one at its position last time is reused instead of allocated again.
 */
export class PairStrings {
  names: Array<string> = [];
  values: Array<string> = [];
}

function decodeAt(list: Array<string> | null, i: i32, ptr: usize, len: usize): string {
  if (list === null || i >= CACHED_PAIRS || len > CACHED_CHARS) return String.UTF8.decodeUnsafe(ptr, len);
  if (i < list.length) {
    const last = unchecked(list[i]);
    if (sameAscii(last, ptr, len)) return last;
    const fresh = String.UTF8.decodeUnsafe(ptr, len);
    unchecked((list[i] = fresh));
    return fresh;
  }
  const fresh = String.UTF8.decodeUnsafe(ptr, len);
  if (i == list.length) list.push(fresh);
  return fresh;
}

/** Pairs of lists nothing reads any more (decodePairs `reuse`), refilled instead of allocated. */
const sparePairs = new Array<HeaderPair>();
// @ts-ignore: decorator
@inline const MAX_SPARE_PAIRS: i32 = 256;

/** A pair for (name, value), a spare one when there is one. */
function pairOf(name: string, value: string): HeaderPair {
  if (sparePairs.length == 0) return new HeaderPair(name, value);
  const pair = sparePairs.pop();
  pair.name = name;
  pair.value = value;
  pair.raw = null;
  pair.rawValueAt = 0;
  pair.rawValueLength = 0;
  return pair;
}

/**
 * Decodes `size` bytes at `ptr`. Malformed input (short, missing NULs, trailing bytes, counts
 * past the bounds) yields an empty list, as cpp-host's toPairs does — never a trap. `strings`,
 * when given, lends strings equal to the last map's at the same position (and is updated).
 * `reuse`, when given, is a list of an earlier decode that nothing reads any more: it and its
 * pairs are refilled.
 */
export function decodePairs(
  ptr: usize,
  size: usize,
  owner: ArrayBuffer | null = null,
  strings: PairStrings | null = null,
  reuse: Array<HeaderPair> | null = null,
): Array<HeaderPair> {
  let out: Array<HeaderPair>;
  if (reuse !== null) {
    for (let i = 0; i < reuse.length && sparePairs.length < MAX_SPARE_PAIRS; i++) {
      const pair = reuse[i];
      pair.raw = null; // keeps no old map alive while spare
      sparePairs.push(pair);
    }
    reuse.length = 0;
    out = reuse;
  } else out = new Array<HeaderPair>();
  if (size < 4 || size > MAX_PAIRS_BYTES) return out;
  const n = load<u32>(ptr);
  if (n > MAX_PAIRS_COUNT) return out;
  const sizesEnd = <usize>4 + <usize>n * 8;
  if (sizesEnd > size) return out;
  let pos = sizesEnd;
  for (let i: u32 = 0; i < n; i++) {
    const keyLen = <usize>load<u32>(ptr + 4 + <usize>i * 8);
    const valueLen = <usize>load<u32>(ptr + 8 + <usize>i * 8);
    // One unsigned compare per bound: lengths come from the host and may be anything.
    if (keyLen > size || valueLen > size || pos + keyLen + valueLen + 2 > size) return new Array<HeaderPair>();
    if (load<u8>(ptr + pos + keyLen) != 0 || load<u8>(ptr + pos + keyLen + 1 + valueLen) != 0) return new Array<HeaderPair>();
    const name = decodeAt(strings !== null ? strings.names : null, <i32>i, ptr + pos, keyLen);
    const value = decodeAt(strings !== null ? strings.values : null, <i32>i, ptr + pos + keyLen + 1, valueLen);
    const pair = pairOf(name, value);
    if (owner !== null && isAscii(ptr + pos + keyLen + 1, valueLen)) {
      pair.raw = owner;
      pair.rawValueAt = <u32>(pos + keyLen + 1);
      pair.rawValueLength = <u32>valueLen;
    }
    out.push(pair);
    pos += keyLen + valueLen + 2;
  }
  if (pos != size) return new Array<HeaderPair>();
  return out;
}

function isAscii(ptr: usize, length: usize): bool {
  let i: usize = 0;
  for (; i + 8 <= length; i += 8) if ((load<u64>(ptr + i) & 0x8080808080808080) != 0) return false; // eight bytes a step
  for (; i < length; i++) if (load<u8>(ptr + i) >= 0x80) return false;
  return true;
}

/** Serializes pairs for proxy_send_local_response / gRPC initial metadata. */
export function encodePairs(pairs: Array<HeaderPair>): ArrayBuffer {
  const n = pairs.length;
  const names = new Array<ArrayBuffer>(n);
  const values = new Array<ArrayBuffer>(n);
  let total: usize = 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const k = String.UTF8.encode(pairs[i].name);
    const v = String.UTF8.encode(pairs[i].value);
    names[i] = k;
    values[i] = v;
    total += <usize>k.byteLength + <usize>v.byteLength + 2;
  }
  const out = new ArrayBuffer(<i32>total);
  const base = changetype<usize>(out);
  store<u32>(base, <u32>n);
  let pos: usize = 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const k = names[i];
    const v = values[i];
    store<u32>(base + 4 + <usize>i * 8, <u32>k.byteLength);
    store<u32>(base + 8 + <usize>i * 8, <u32>v.byteLength);
    memory.copy(base + pos, changetype<usize>(k), k.byteLength);
    pos += <usize>k.byteLength;
    store<u8>(base + pos, 0);
    pos += 1;
    memory.copy(base + pos, changetype<usize>(v), v.byteLength);
    pos += <usize>v.byteLength;
    store<u8>(base + pos, 0);
    pos += 1;
  }
  return out;
}

/** First value of `name` (already lower case), or null. */
export function findHeader(pairs: Array<HeaderPair>, name: string): string | null {
  for (let i = 0, n = pairs.length; i < n; i++) {
    if (pairs[i].name == name) return pairs[i].value;
  }
  return null;
}
