// Protobuf wire-format encoder (proto3 rules: scalar fields equal to their default are not
// written, as protobufjs does for objects that omit them). Nested messages are encoded into their
// own writer first and then copied in with a length prefix; our messages are small and shallow.

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

  get length(): i32 {
    return this.len;
  }

  private ensure(extra: i32): void {
    const need = this.len + extra;
    if (need <= this.buf.byteLength) return;
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
    memory.copy(changetype<usize>(this.buf) + <usize>this.len, ptr, <usize>size);
    this.len += size;
  }

  private tag(field: u32, wire: u32): void {
    this.rawVarint(<u64>((field << 3) | wire));
  }

  uint64(field: u32, v: u64): void {
    if (v == 0) return;
    this.tag(field, WIRE_VARINT);
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
    if (v.length == 0) return;
    const bytes = String.UTF8.encode(v);
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>bytes.byteLength);
    this.rawBytes(changetype<usize>(bytes), bytes.byteLength);
  }

  bytes(field: u32, v: ArrayBuffer): void {
    if (v.byteLength == 0) return;
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>v.byteLength);
    this.rawBytes(changetype<usize>(v), v.byteLength);
  }

  /** A nested message; written even when empty only if `always` (presence matters for some). */
  message(field: u32, inner: ProtoWriter, always: bool = false): void {
    if (inner.len == 0 && !always) return;
    this.tag(field, WIRE_LEN);
    this.rawVarint(<u64>inner.len);
    this.rawBytes(changetype<usize>(inner.buf), inner.len);
  }

  finish(): ArrayBuffer {
    const out = new ArrayBuffer(this.len);
    memory.copy(changetype<usize>(out), changetype<usize>(this.buf), <usize>this.len);
    return out;
  }
}
