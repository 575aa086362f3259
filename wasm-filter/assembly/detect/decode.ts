// The decoders of docs/detectors.md §3: each turns a raw run [from, to) of a field into a Segment
// of decoded bytes with, for every decoded byte, the raw span of the escape that produced it.
// A run without any escape byte becomes an identity segment (no copy). Decoding never produces
// more bytes than it consumes, so a segment needs at most `to - from` bytes of buffer.
import { Segment } from "./segment";

@inline function hexValue(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 0x20;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

/** Appends code point cp as UTF-8, every byte with the span [rs, re). */
function putUtf8(seg: Segment, cp: u32, rs: u32, re: u32): void {
  if (cp < 0x80) seg.put(<u8>cp, rs, re);
  else if (cp < 0x800) {
    seg.put(<u8>(0xc0 | (cp >> 6)), rs, re);
    seg.put(<u8>(0x80 | (cp & 0x3f)), rs, re);
  } else if (cp < 0x10000) {
    seg.put(<u8>(0xe0 | (cp >> 12)), rs, re);
    seg.put(<u8>(0x80 | ((cp >> 6) & 0x3f)), rs, re);
    seg.put(<u8>(0x80 | (cp & 0x3f)), rs, re);
  } else {
    seg.put(<u8>(0xf0 | (cp >> 18)), rs, re);
    seg.put(<u8>(0x80 | ((cp >> 12) & 0x3f)), rs, re);
    seg.put(<u8>(0x80 | ((cp >> 6) & 0x3f)), rs, re);
    seg.put(<u8>(0x80 | (cp & 0x3f)), rs, re);
  }
}

/** First index in [from, to) holding byte a or b, or `to`. */
function findEither(field: usize, from: usize, to: usize, a: u8, b: u8): usize {
  for (let i = from; i < to; i++) {
    const c = load<u8>(field + i);
    if (c == a || c == b) return i;
  }
  return to;
}

/** `\u` + 4 hex digits at i (i indexes the backslash), or -1. */
function hex4(field: usize, i: usize, to: usize): i32 {
  if (i + 6 > to || load<u8>(field + i + 1) != 117) return -1; // 'u'
  let v = 0;
  for (let k: usize = 2; k < 6; k++) {
    const h = hexValue(<u32>load<u8>(field + i + k));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** JSON string contents [from, to) (without quotes). */
export function decodeJsonString(seg: Segment, field: usize, from: usize, to: usize): void {
  let i = findEither(field, from, to, 92, 92);
  if (i == to) {
    seg.setIdentity(field, from, to - from);
    return;
  }
  seg.beginDecoded(to - from);
  for (let k = from; k < i; k++) seg.put(load<u8>(field + k), <u32>k, <u32>(k + 1));
  while (i < to) {
    const c = load<u8>(field + i);
    if (c != 92 || i + 1 >= to) {
      seg.put(c, <u32>i, <u32>(i + 1));
      i++;
      continue;
    }
    const e = load<u8>(field + i + 1);
    let out: i32 = -1;
    if (e == 34 || e == 92 || e == 47) out = e;
    else if (e == 98) out = 8;
    else if (e == 102) out = 12;
    else if (e == 110) out = 10;
    else if (e == 114) out = 13;
    else if (e == 116) out = 9;
    if (out >= 0) {
      seg.put(<u8>out, <u32>i, <u32>(i + 2));
      i += 2;
      continue;
    }
    const cp = hex4(field, i, to);
    if (cp < 0) {
      seg.put(c, <u32>i, <u32>(i + 1)); // a lone backslash stands for itself
      i++;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = hex4(field, i + 6, to);
      if (low >= 0xdc00 && low <= 0xdfff) {
        putUtf8(seg, 0x10000 + ((<u32>(cp - 0xd800)) << 10) + <u32>(low - 0xdc00), <u32>i, <u32>(i + 12));
        i += 12;
        continue;
      }
    }
    putUtf8(seg, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : <u32>cp, <u32>i, <u32>(i + 6));
    i += 6;
  }
  seg.endDecoded();
}

/** Form / query value [from, to): `+` is a space, `%XX` a byte. */
export function decodeForm(seg: Segment, field: usize, from: usize, to: usize): void {
  let i = findEither(field, from, to, 37, 43);
  if (i == to) {
    seg.setIdentity(field, from, to - from);
    return;
  }
  seg.beginDecoded(to - from);
  for (let k = from; k < i; k++) seg.put(load<u8>(field + k), <u32>k, <u32>(k + 1));
  while (i < to) {
    const c = load<u8>(field + i);
    if (c == 43) {
      seg.put(32, <u32>i, <u32>(i + 1));
      i++;
    } else if (c == 37 && i + 3 <= to) {
      const hi = hexValue(<u32>load<u8>(field + i + 1));
      const lo = hexValue(<u32>load<u8>(field + i + 2));
      if (hi >= 0 && lo >= 0) {
        seg.put(<u8>((hi << 4) | lo), <u32>i, <u32>(i + 3));
        i += 3;
      } else {
        seg.put(c, <u32>i, <u32>(i + 1));
        i++;
      }
    } else {
      seg.put(c, <u32>i, <u32>(i + 1));
      i++;
    }
  }
  seg.endDecoded();
}

/** Length of the named entity at i (`&amp;` …) and its byte through namedByte, or 0. */
function namedEntity(field: usize, i: usize, to: usize, name: string, byte: u8): u8 {
  const n = <usize>name.length;
  if (i + 1 + n >= to + 1) return 0;
  for (let k: usize = 0; k < n; k++) if (<i32>load<u8>(field + i + 1 + k) != name.charCodeAt(<i32>k)) return 0;
  return byte;
}

/** XML text or attribute value [from, to): predefined and numeric character references. */
export function decodeXml(seg: Segment, field: usize, from: usize, to: usize): void {
  let i = findEither(field, from, to, 38, 38);
  if (i == to) {
    seg.setIdentity(field, from, to - from);
    return;
  }
  seg.beginDecoded(to - from);
  for (let k = from; k < i; k++) seg.put(load<u8>(field + k), <u32>k, <u32>(k + 1));
  while (i < to) {
    const c = load<u8>(field + i);
    if (c != 38) {
      seg.put(c, <u32>i, <u32>(i + 1));
      i++;
      continue;
    }
    const len = xmlEntityLength(field, i, to);
    if (len == 0) {
      seg.put(c, <u32>i, <u32>(i + 1));
      i++;
      continue;
    }
    putUtf8(seg, entityCodePoint, <u32>i, <u32>(i + len));
    i += len;
  }
  seg.endDecoded();
}

/** Set by xmlEntityLength: the code point of the entity it recognised. */
let entityCodePoint: u32 = 0;

/** Raw length of a valid entity starting with `&` at i (code point in entityCodePoint), or 0. */
function xmlEntityLength(field: usize, i: usize, to: usize): usize {
  let b: u8 = 0;
  if ((b = namedEntity(field, i, to, "amp;", 38)) != 0) {
    entityCodePoint = b;
    return 5;
  }
  if ((b = namedEntity(field, i, to, "lt;", 60)) != 0 || (b = namedEntity(field, i, to, "gt;", 62)) != 0) {
    entityCodePoint = b;
    return 4;
  }
  if ((b = namedEntity(field, i, to, "quot;", 34)) != 0 || (b = namedEntity(field, i, to, "apos;", 39)) != 0) {
    entityCodePoint = b;
    return 6;
  }
  if (i + 1 >= to || load<u8>(field + i + 1) != 35) return 0; // '#'
  let k = i + 2;
  const hex = k < to && load<u8>(field + k) == 120; // 'x'
  if (hex) k++;
  let v: u32 = 0;
  let digits = 0;
  while (k < to) {
    const c = <u32>load<u8>(field + k);
    const d = hex ? hexValue(c) : c - 48 < 10 ? <i32>(c - 48) : -1;
    if (d < 0) break;
    if (++digits > 7) return 0;
    v = v * (hex ? 16 : 10) + <u32>d;
    k++;
  }
  if (digits == 0 || k >= to || load<u8>(field + k) != 59) return 0; // ';'
  if (v < 1 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  entityCodePoint = v;
  return k + 1 - i;
}
