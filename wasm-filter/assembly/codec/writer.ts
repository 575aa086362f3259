// Protobuf wire-format encoder (proto3 rules: scalar fields equal to their default are not
// written, as protobufjs does for objects that omit them). Nested messages are written in place
// (begin/end: one length byte is reserved and the body moved only when it passes 127 bytes), and
// strings are encoded straight into the buffer: an event is one buffer, not one per message.

// @ts-ignore: decorator
@inline const WIRE_VARINT: u32 = 0;
// @ts-ignore: decorator
@inline const WIRE_LEN: u32 = 2;

export class ProtoWriter {
  private buf: ArrayBuffer;
  private len: i32 = 0;

  constructor(initial: i32 = 64) {
    this.buf = new ArrayBuffer(initial > 8 ? initial : 8);
  }

  /** Empties the writer, keeping its buffer. */
  reset(): void {
    this.len = 0;
  }

  get length(): i32 {
    return this.len;
  }

  // An event is a few hundred tags and values: the room check is inlined, the growth is not.
  // @ts-ignore: decorator
  @inline private ensure(extra: i32): void {
    if (this.len + extra > this.buf.byteLength) this.grow(extra);
  }

  private grow(extra: i32): void {
    const need = this.len + extra;
    let cap = this.buf.byteLength << 1;
    while (cap < need) cap <<= 1;
    const next = new ArrayBuffer(cap);
    memory.copy(changetype<usize>(next), changetype<usize>(this.buf), <usize>this.len);
    this.buf = next;
  }

  rawVarint(v: u64): void {
    this.ensure(10);
    const base = changetype<usize>(this.buf);
    let n = this.len;
    while (v >= 0x80) {
      store<u8>(base + <usize>(n++), <u8>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    store<u8>(base + <usize>(n++), <u8>v);
    this.len = n;
  }

  rawBytes(ptr: usize, size: i32): void {
    this.ensure(size);
    const to = changetype<usize>(this.buf) + <usize>this.len;
    if (size <= 64) copySmall(to, ptr, <usize>size);
    else memory.copy(to, ptr, <usize>size);
    this.len += size;
  }

  // @ts-ignore: decorator
  @inline private tag(field: u32, wire: u32): void {
    const t = (field << 3) | wire;
    if (t >= 0x80) {
      this.rawVarint(<u64>t);
      return;
    }
    this.ensure(1);
    store<u8>(changetype<usize>(this.buf) + <usize>this.len, <u8>t);
    this.len++;
  }

  uint64(field: u32, v: u64): void {
    if (v == 0) return;
    this.tag(field, WIRE_VARINT);
    if (v < 0x80) {
      // Enums, flags and small offsets: most of an event's numbers.
      this.ensure(1);
      store<u8>(changetype<usize>(this.buf) + <usize>this.len, <u8>v);
      this.len++;
      return;
    }
    this.rawVarint(v);
  }

  uint32(field: u32, v: u32): void {
    this.uint64(field, <u64>v);
  }

  /** int32 and enums: negative values are sign-extended to 10 bytes, as the spec requires. */
  int32(field: u32, v: i32): void {
    if (v == 0) return;
    this.tag(field, WIRE_VARINT);
    this.rawVarint(<u64>(<i64>v));
  }

  bool(field: u32, v: bool): void {
    if (!v) return;
    this.tag(field, WIRE_VARINT);
    this.rawVarint(1);
  }

  string(field: u32, v: string): void {
    const n = v.length;
    if (n == 0) return;
    this.tag(field, WIRE_LEN);
    // Nearly every string of an event is short ASCII (ids, paths, types, masks): one pass writing
    // a byte per code unit, with a one-byte length. Any other unit: the UTF-8 encoder below
    // writes over it from the same place.
    if (n < 0x80) {
      this.ensure(1 + n);
      const at = changetype<usize>(this.buf) + <usize>this.len;
      const src = changetype<usize>(v);
      let i = 0;
      for (; i < n; i++) {
        const c = load<u16>(src + (<usize>i << 1));
        if (c >= 0x80) break;
        store<u8>(at + 1 + <usize>i, <u8>c);
      }
      if (i == n) {
        store<u8>(at, <u8>n);
        this.len += 1 + n;
        return;
      }
    }
    const size = String.UTF8.byteLength(v);
    this.rawVarint(<u64>size);
    this.ensure(size);
    String.UTF8.encodeUnsafe(changetype<usize>(v), v.length, changetype<usize>(this.buf) + <usize>this.len);
    this.len += size;
  }

  bytes(field: u32, v: ArrayBuffer): void {
    if (v.byteLength == 0) return;
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>v.byteLength);
    this.rawBytes(changetype<usize>(v), v.byteLength);
  }

  /** [ptr, ptr + size) as a length-delimited field (a string already in UTF-8, bytes). */
  rawField(field: u32, ptr: usize, size: i32): void {
    if (size == 0) return;
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>size);
    this.rawBytes(ptr, size);
  }

  /**
   * Room for `size` more bytes, as the address to write them at (valid until the next call that
   * may grow the buffer); commit() then counts the bytes written.
   */
  reserve(size: i32): usize {
    this.ensure(size);
    return changetype<usize>(this.buf) + <usize>this.len;
  }

  commit(size: i32): void {
    this.len += size;
  }

  /** 8 bytes (a u64 little-endian) as a bytes field, e.g. Finding.value_hash. */
  bytes8(field: u32, v: u64): void {
    this.tag(field, WIRE_LEN);
    this.ensure(9);
    const at = changetype<usize>(this.buf) + <usize>this.len;
    store<u8>(at, 8);
    store<u64>(at + 1, v);
    this.len += 9;
  }

  /** A nested message; written even when empty only if `always` (presence matters for some). */
  message(field: u32, inner: ProtoWriter, always: bool = false): void {
    if (inner.len == 0 && !always) return;
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>inner.len);
    this.rawBytes(changetype<usize>(inner.buf), inner.len);
  }

  /** Starts a nested message at `field`; returns the mark to hand to end(). */
  begin(field: u32): i32 {
    const start = this.len;
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    this.len++; // the length byte, while the body is under 128 bytes
    return start;
  }

  /** Ends the message begun at `start`; an empty one is taken back out unless `always`. */
  end(start: i32, always: bool = false): void {
    let base = changetype<usize>(this.buf);
    let at = <usize>start;
    while ((load<u8>(base + at) & 0x80) != 0) at++; // past the tag varint
    at++;
    const size = this.len - <i32>at - 1;
    if (size == 0 && !always) {
      this.len = start;
      return;
    }
    let extra = 0;
    for (let v = <u32>size >> 7; v != 0; v >>= 7) extra++;
    if (extra > 0) {
      this.ensure(extra);
      base = changetype<usize>(this.buf);
      memory.copy(base + at + 1 + <usize>extra, base + at + 1, <usize>size);
      this.len += extra;
    }
    let v = <u32>size;
    while (v >= 0x80) {
      store<u8>(base + at++, <u8>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    store<u8>(base + at, <u8>v);
  }

  finish(): ArrayBuffer {
    const out = new ArrayBuffer(this.len);
    memory.copy(changetype<usize>(out), changetype<usize>(this.buf), <usize>this.len);
    return out;
  }
}

/**
 * Copies a few dozen bytes (a path, a preview, a cached field shape) without memory.copy, which
 * V8 runs as a call out of the Wasm code: for sizes this small the call costs more than the copy.
 * The regions must not overlap (a writer's buffer is never the source of its own copies).
 */
// @ts-ignore: decorator
@inline export function copySmall(to: usize, from: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) store<u64>(to + i, load<u64>(from + i));
  for (; i < n; i++) store<u8>(to + i, load<u8>(from + i));
}

