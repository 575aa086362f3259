// ApiEvent.findings entries straight from the scanner's Finding objects, the bulk of an event (up
// to max_findings of them, each some twenty fields). Sizes are worked out first, then the bytes
// written through one pointer into room reserved once: no per-field room check or call, no length
// byte reserved and moved (ProtoWriter.begin/end), no memory.copy (a call out of the Wasm code in
// V8) for the few bytes of a path or preview. The bytes are those of the field-by-field encoding
// (encodeScanned's fallback, kept for non-ASCII names): the filter-in-host tests decode them.
import { Finding } from "../detect/findings";
import { copySmall, ProtoWriter } from "./writer";

// Tags (field << 3 | wire type) of Finding and Location; Finding is ApiEvent field 17.
// @ts-ignore: decorator
@inline const TAG_FINDING_LO: u8 = 0x8a; // 17 << 3 | 2 = 138, a two-byte varint
// @ts-ignore: decorator
@inline const TAG_FINDING_HI: u8 = 0x01;

/** Bytes of v as a varint. */
// @ts-ignore: decorator
@inline function varintSize(v: u64): i32 {
  let n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

/** Bytes of a varint field with a one-byte tag; none for 0 (proto3 default). */
// @ts-ignore: decorator
@inline function uintSize(v: u64): i32 {
  return v == 0 ? 0 : 1 + varintSize(v);
}

/** Bytes of a length-delimited field of n bytes with a one-byte tag; none when empty. */
// @ts-ignore: decorator
@inline function lenSize(n: i32): i32 {
  return n == 0 ? 0 : 1 + varintSize(<u64>n) + n;
}

// @ts-ignore: decorator
@inline function putVarint(at: usize, v: u64): usize {
  while (v >= 0x80) {
    store<u8>(at++, <u8>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  store<u8>(at++, <u8>v);
  return at;
}

// @ts-ignore: decorator
@inline function putUint(at: usize, tag: u8, v: u64): usize {
  if (v == 0) return at;
  store<u8>(at, tag);
  return putVarint(at + 1, v);
}

/** The n bytes at p (a path, a preview: at most a few dozen) as a length-delimited field (none when empty). */
// @ts-ignore: decorator
@inline function putBytes(at: usize, tag: u8, p: usize, n: i32): usize {
  if (n == 0) return at;
  store<u8>(at, tag);
  at = putVarint(at + 1, <u64>n);
  copySmall(at, p, <usize>n);
  return at + <usize>n;
}

/** ASCII string s (checked by the caller) as a length-delimited field (none when empty). */
// @ts-ignore: decorator
@inline function putAscii(at: usize, tag: u8, s: string): usize {
  const n = s.length;
  if (n == 0) return at;
  store<u8>(at, tag);
  at = putVarint(at + 1, <u64>n);
  const src = changetype<usize>(s);
  for (let i = 0; i < n; i++) store<u8>(at + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
  return at + <usize>n;
}

/** Whether every unit of s is ASCII (then its UTF-8 is a byte per unit). */
function isAscii(s: string): bool {
  const p = changetype<usize>(s);
  const n = s.length;
  for (let i = 0; i < n; i++) if (load<u16>(p + (<usize>i << 1)) >= 0x80) return false;
  return true;
}

/**
 * Writes scanner finding f as an ApiEvent.findings entry (`direction`: its Location.direction);
 * false, writing nothing, when its type or name is not ASCII (the caller then encodes it field
 * by field).
 */
export function putScannedFinding(w: ProtoWriter, f: Finding, direction: u32): bool {
  const type = f.type;
  const name = f.name;
  if (!isAscii(type) || !isAscii(name)) return false;
  // Location: direction, field, name, json_path, start, end (written only when not all empty).
  const loc =
    uintSize(<u64>direction) +
    uintSize(<u64><u32>f.field) +
    lenSize(name.length) +
    lenSize(f.pathLength) +
    uintSize(<u64>f.start) +
    uintSize(<u64>f.end);
  const hash = f.valueHash;
  const body =
    lenSize(type.length) +
    uintSize(<u64><u32>f.category) +
    uintSize(<u64><u32>f.severity) +
    (loc == 0 ? 0 : 1 + varintSize(<u64>loc) + loc) +
    uintSize(<u64>f.confidence) +
    lenSize(f.maskedLength) +
    (hash != 0 ? 10 : 0);
  const total = 2 + varintSize(<u64>body) + body;
  const start = w.reserve(total);
  let at = start;
  store<u8>(at, TAG_FINDING_LO);
  store<u8>(at + 1, TAG_FINDING_HI);
  at = putVarint(at + 2, <u64>body);
  at = putAscii(at, (1 << 3) | 2, type);
  at = putUint(at, 2 << 3, <u64><u32>f.category);
  at = putUint(at, 3 << 3, <u64><u32>f.severity);
  if (loc != 0) {
    store<u8>(at, (4 << 3) | 2);
    at = putVarint(at + 1, <u64>loc);
    at = putUint(at, 1 << 3, <u64>direction);
    at = putUint(at, 2 << 3, <u64><u32>f.field);
    at = putAscii(at, (3 << 3) | 2, name);
    at = putBytes(at, (4 << 3) | 2, changetype<usize>(f.pathBytes), f.pathLength);
    at = putUint(at, 5 << 3, <u64>f.start);
    at = putUint(at, 6 << 3, <u64>f.end);
  }
  at = putUint(at, 5 << 3, <u64>f.confidence);
  at = putBytes(at, (6 << 3) | 2, changetype<usize>(f.maskedBytes), f.maskedLength);
  if (hash != 0) {
    store<u8>(at, (7 << 3) | 2);
    store<u8>(at + 1, 8);
    store<u64>(at + 2, hash);
    at += 10;
  }
  w.commit(<i32>(at - start));
  return true;
}
