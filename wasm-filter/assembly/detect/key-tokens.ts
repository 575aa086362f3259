// Context tests of docs/detectors.md §6 that need no DFA: the key test (token runs of the name a
// value sits under) and the keyword window (lower-cased raw bytes just before a match).
import { ByteBuf } from "./segment";

@inline export function isAlnum(c: u32): bool {
  return c - 48 < 10 || (c | 0x20) - 97 < 26;
}

/**
 * Writes the key's tokens as ` tok1 tok2 … ` (lower case, one space around each token) into out:
 * tokens split at every byte that is not an ASCII letter or digit and before an upper-case letter
 * that follows a lower-case letter or a digit. A contiguous token run then is a substring test.
 * Returns the number of tokens.
 */
export function normalizeKey(ptr: usize, len: usize, out: ByteBuf): i32 {
  out.len = 0;
  out.ensure(len * 2 + 2);
  out.push(32);
  let tokens = 0;
  let inToken = false;
  let prev: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (!isAlnum(c)) {
      if (inToken) out.push(32);
      inToken = false;
    } else {
      const upper = c - 65 < 26;
      if (inToken && upper && (prev - 97 < 26 || prev - 48 < 10)) {
        out.push(32); // camelCase boundary: a new token starts at this upper-case letter
        tokens++;
      } else if (!inToken) tokens++;
      out.push(<u8>(upper ? c + 32 : c));
      inToken = true;
    }
    prev = c;
  }
  if (inToken) out.push(32);
  return tokens;
}

/** A rule key normalized once at Scanner construction (`null` for keys without tokens). */
export function normalizedRuleKey(key: string): StaticArray<u8> | null {
  const utf8 = String.UTF8.encode(key);
  const buf = new ByteBuf();
  if (normalizeKey(changetype<usize>(utf8), <usize>utf8.byteLength, buf) == 0) return null;
  const out = new StaticArray<u8>(<i32>buf.len);
  memory.copy(changetype<usize>(out), buf.ptr, buf.len);
  heap.free(buf.ptr);
  return out;
}

/** Whether needle occurs in [hay, hay+hayLen). */
export function containsBytes(hay: usize, hayLen: usize, needle: StaticArray<u8>): bool {
  const m = <usize>needle.length;
  if (m == 0 || m > hayLen) return m == 0;
  const first = unchecked(needle[0]); // m > 0
  const np = changetype<usize>(needle);
  for (let i: usize = 0; i + m <= hayLen; i++) {
    if (load<u8>(hay + i) != first) continue;
    if (memory.compare(hay + i, np, m) == 0) return true;
  }
  return false;
}

/**
 * Whether keyword kw (stored lower case) occurs in raw [from, to), compared ASCII-lower-cased, at
 * a word start: when kw starts with a letter or digit, the field byte before the occurrence (even
 * before `from`) is not one, so `tel` is not found in `Patel` (docs/detectors.md §6).
 */
export function windowHas(field: usize, from: usize, to: usize, kw: StaticArray<u8>): bool {
  const m = <usize>kw.length;
  if (m == 0) return true;
  if (to < from + m) return false;
  const kp = changetype<usize>(kw);
  const wordStart = isAlnum(<u32>load<u8>(kp));
  for (let i = from; i + m <= to; i++) {
    if (wordStart && i > 0 && isAlnum(<u32>load<u8>(field + i - 1))) continue;
    let k: usize = 0;
    while (k < m) {
      let c = <u32>load<u8>(field + i + k);
      if (c - 65 < 26) c += 32;
      if (c != <u32>load<u8>(kp + k)) break;
      k++;
    }
    if (k == m) return true;
  }
  return false;
}
