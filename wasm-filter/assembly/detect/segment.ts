// A segment (docs/detectors.md §2-3): decoded bytes d[0..n) that matching runs over, each mapped
// back to the raw span [rs, re) of the field it came from, plus the key and path it sits under.
// Most segments need no decoding (no escape in them): those are IDENTITY segments that point at
// the raw field bytes directly, so the common case copies nothing.

/** Growable byte buffer reused across segments and fields (grows rarely, never per byte). */
export class ByteBuf {
  ptr: usize = 0;
  cap: usize = 0;
  len: usize = 0;

  ensure(cap: usize): void {
    if (cap <= this.cap) return;
    let n = this.cap == 0 ? <usize>256 : this.cap;
    while (n < cap) n <<= 1;
    const p = heap.alloc(n);
    if (this.len > 0) memory.copy(p, this.ptr, this.len);
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = p;
    this.cap = n;
  }

  @inline push(b: u8): void {
    if (this.len >= this.cap) this.ensure(this.len + 1);
    store<u8>(this.ptr + this.len++, b);
  }

  append(src: usize, n: usize): void {
    if (this.len + n > this.cap) this.ensure(this.len + n);
    const dst = this.ptr + this.len;
    // JSON member names are a few bytes: a byte loop beats memory.copy, which V8 runs as a call
    // out of the wasm code.
    if (n <= 32) for (let i: usize = 0; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
    else memory.copy(dst, src, n);
    this.len += n;
  }

  /**
   * Appends s's UTF-8 when s is ASCII (then a byte per code unit) and returns true; otherwise
   * appends nothing and returns false. For header names, which are ASCII: no encoded copy.
   */
  appendAscii(s: string): bool {
    const n = <usize>s.length;
    const src = changetype<usize>(s);
    for (let i: usize = 0; i < n; i++) if (load<u16>(src + (i << 1)) >= 0x80) return false;
    if (this.len + n > this.cap) this.ensure(this.len + n);
    const dst = this.ptr + this.len;
    for (let i: usize = 0; i < n; i++) store<u8>(dst + i, <u8>load<u16>(src + (i << 1)));
    this.len += n;
    return true;
  }
}

/** Growable u32 buffer (raw offset maps). */
export class U32Buf {
  ptr: usize = 0;
  cap: usize = 0;

  ensure(count: usize): void {
    if (count <= this.cap) return;
    let n = this.cap == 0 ? <usize>256 : this.cap;
    while (n < count) n <<= 1;
    const p = heap.alloc(n << 2);
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = p;
    this.cap = n;
  }
}

export class Segment {
  /** Decoded bytes. */
  data: usize = 0;
  n: usize = 0;
  /** Raw field offset of d[0] when the segment is an identity (undecoded) one. */
  rawBase: usize = 0;
  identity: bool = true;
  /** Per decoded byte raw start / end (valid when !identity). */
  rs: U32Buf = new U32Buf();
  re: U32Buf = new U32Buf();
  /** Buffer for decoded bytes of non-identity segments. */
  decoded: ByteBuf = new ByteBuf();
  /** Key bytes (decoded spelling) [keyPtr, keyPtr+keyLen); keyLen 0 = empty key. */
  keyPtr: usize = 0;
  keyLen: usize = 0;
  /** Serial number: changes for every segment so per-segment caches know when to reset. */
  serial: u32 = 0;

  /** An undecoded run of the raw field: d = raw[from, from+n). */
  setIdentity(fieldPtr: usize, from: usize, n: usize): void {
    this.identity = true;
    this.data = fieldPtr + from;
    this.rawBase = from;
    this.n = n;
    this.serial++;
  }

  /** Starts a decoded segment; bytes are added with put(). */
  beginDecoded(maxBytes: usize): void {
    this.identity = false;
    this.decoded.len = 0;
    this.decoded.ensure(maxBytes);
    this.rs.ensure(maxBytes);
    this.re.ensure(maxBytes);
    this.n = 0;
  }

  /** Adds one decoded byte produced by raw span [rawStart, rawEnd). Capacity reserved by beginDecoded. */
  @inline put(b: u8, rawStart: u32, rawEnd: u32): void {
    const i = this.n++;
    store<u8>(this.decoded.ptr + i, b);
    store<u32>(this.rs.ptr + (i << 2), rawStart);
    store<u32>(this.re.ptr + (i << 2), rawEnd);
  }

  endDecoded(): void {
    this.data = this.decoded.ptr;
    this.serial++;
  }

  /** Raw start of decoded byte i. */
  @inline rawStart(i: usize): u32 {
    return this.identity ? <u32>(this.rawBase + i) : load<u32>(this.rs.ptr + (i << 2));
  }

  /** Raw end of decoded byte i. */
  @inline rawEnd(i: usize): u32 {
    return this.identity ? <u32>(this.rawBase + i + 1) : load<u32>(this.re.ptr + (i << 2));
  }
}

/** Supplies the path of the segment being reported (spelled only when a finding needs it). */
export abstract class PathSource {
  /** False when the segment has no path (headers, text bodies, top-level XML text). */
  abstract hasPath(): bool;
  /**
   * Spells the path as UTF-8 into out (from out.len = 0): bytes, not a string, so a finding's path
   * costs a copy into the Finding and no allocation.
   */
  abstract spellPath(out: ByteBuf): void;
}

/**
 * Appends the text of the bytes [ptr, ptr+n) as valid UTF-8: ASCII as it is (the usual case, no
 * decoding); anything else through a string, so a malformed sequence comes out as String.UTF8.decode
 * reads it: the same bytes the path had when it was a string.
 */
export function appendText(out: ByteBuf, ptr: usize, n: usize): void {
  let ascii = true;
  for (let i: usize = 0; ascii && i < n; i++) ascii = load<u8>(ptr + i) < 0x80;
  if (ascii) {
    out.append(ptr, n);
    return;
  }
  appendString(out, String.UTF8.decodeUnsafe(ptr, n));
}

/** Appends s as UTF-8. */
export function appendString(out: ByteBuf, s: string): void {
  if (out.appendAscii(s)) return;
  const utf8 = String.UTF8.encode(s);
  out.append(changetype<usize>(utf8), <usize>utf8.byteLength);
}

/** Receives the segments a field walker cuts (the scanner). */
export abstract class SegmentSink {
  /** Called once per segment; the segment's key is set, `paths` describes its path. */
  abstract onSegment(seg: Segment, paths: PathSource): void;
}

/** A path that is a byte string (query and form parameter names), decoded only when reported. */
export class FixedPath extends PathSource {
  ptr: usize = 0;
  len: usize = 0;
  present: bool = false;
  hasPath(): bool {
    return this.present;
  }
  spellPath(out: ByteBuf): void {
    out.len = 0;
    appendText(out, this.ptr, this.len);
  }
}
