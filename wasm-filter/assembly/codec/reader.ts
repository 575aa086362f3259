// Protobuf wire-format decoder that never traps: every read is bounds-checked and a malformed or
// truncated input sets `failed` (with a reason from errors.ts) and makes every later read return
// zero. Decoders check `failed` once per message instead of after every field.
import { CodecError } from "./errors";

export namespace Wire {
  export const Varint: u32 = 0;
  export const Fixed64: u32 = 1;
  export const Len: u32 = 2;
  export const Fixed32: u32 = 5;
}

export class ProtoReader {
  pos: usize;
  failed: bool = false;
  error: string = "";
  /** Wire type of the field whose tag was read last. */
  wire: u32 = 0;

  constructor(
    public buf: ArrayBuffer,
    start: usize,
    public end: usize,
  ) {
    this.pos = start;
    if (end > <usize>buf.byteLength || start > end) this.fail(CodecError.Truncated);
  }

  static of(buf: ArrayBuffer): ProtoReader {
    return new ProtoReader(buf, 0, <usize>buf.byteLength);
  }

  fail(reason: string): void {
    if (!this.failed) {
      this.failed = true;
      this.error = reason;
    }
    this.pos = this.end;
  }

  get done(): bool {
    return this.pos >= this.end;
  }

  /**
   * The value of a varint field whose tag was just read. A known field number arriving with
   * another wire type is malformed: reading it as a varint would misparse everything after it.
   */
  varint(): u64 {
    if (this.wire != Wire.Varint) {
      this.fail(CodecError.WrongWireType);
      return 0;
    }
    return this.rawVarint();
  }

  private rawVarint(): u64 {
    let result: u64 = 0;
    let shift: u64 = 0;
    const base = changetype<usize>(this.buf);
    while (true) {
      if (this.pos >= this.end) {
        this.fail(CodecError.Truncated);
        return 0;
      }
      const b = load<u8>(base + this.pos++);
      if (shift == 63 && b > 1) {
        this.fail(CodecError.BadVarint);
        return 0;
      }
      result |= (<u64>(b & 0x7f)) << shift;
      if ((b & 0x80) == 0) return result;
      shift += 7;
      if (shift > 63) {
        this.fail(CodecError.BadVarint);
        return 0;
      }
    }
    return 0;
  }

  /** Next field number (0 at end of message or on error); sets `wire`. */
  tag(): u32 {
    if (this.pos >= this.end || this.failed) return 0;
    const t = this.rawVarint();
    const field = <u32>(t >> 3);
    this.wire = <u32>(t & 7);
    if (field == 0 || t > 0xffffffff) {
      this.fail(CodecError.BadTag);
      return 0;
    }
    return field;
  }

  uint32(): u32 {
    return <u32>this.varint();
  }

  bool(): bool {
    return this.varint() != 0;
  }

  /** Start offset of a length-delimited payload; the reader moves past it. Check `failed`. */
  lenStart(): usize {
    if (this.wire != Wire.Len) {
      this.fail(CodecError.WrongWireType);
      return 0;
    }
    const n = this.rawVarint();
    if (this.failed) return 0;
    if (n > <u64>(this.end - this.pos)) {
      this.fail(CodecError.Truncated);
      return 0;
    }
    const start = this.pos;
    this.pos += <usize>n;
    return start;
  }

  /** Payload of a length-delimited field as a reader bounded to it. */
  sub(): ProtoReader {
    const start = this.lenStart();
    if (this.failed) return new ProtoReader(this.buf, this.end, this.end);
    return new ProtoReader(this.buf, start, this.pos);
  }

  bytes(): ArrayBuffer {
    const start = this.lenStart();
    if (this.failed) return new ArrayBuffer(0);
    return this.buf.slice(<i32>start, <i32>this.pos);
  }

  string(): string {
    const start = this.lenStart();
    if (this.failed) return "";
    return String.UTF8.decodeUnsafe(changetype<usize>(this.buf) + start, this.pos - start);
  }

  /** Repeated uint32 field, packed or not (proto3 parsers must accept both). */
  uint32s(out: Array<u32>): void {
    if (this.wire == Wire.Varint) {
      out.push(this.uint32());
      return;
    }
    const inner = this.sub();
    while (!inner.done && !inner.failed) out.push(inner.uint32());
    if (inner.failed) this.fail(inner.error);
  }

  /** Repeated fixed64 field, packed or not. */
  fixed64s(out: Array<u64>): void {
    let start = this.pos;
    if (this.wire == Wire.Fixed64) this.advance(8);
    else {
      start = this.lenStart();
      if ((this.pos - start) & 7) this.fail(CodecError.Truncated);
    }
    if (this.failed) return;
    for (let p = start; p < this.pos; p += 8) out.push(load<u64>(changetype<usize>(this.buf) + p));
  }

  /** Skips a field we do not know (forward compatibility: unknown fields are ignored). */
  skip(): void {
    switch (this.wire) {
      case Wire.Varint:
        this.rawVarint();
        break;
      case Wire.Fixed64:
        this.advance(8);
        break;
      case Wire.Len:
        this.lenStart();
        break;
      case Wire.Fixed32:
        this.advance(4);
        break;
      default:
        // Groups (3, 4) are not used by proto3 and 6/7 do not exist.
        this.fail(CodecError.WrongWireType);
    }
  }

  private advance(n: usize): void {
    if (this.end - this.pos < n) this.fail(CodecError.Truncated);
    else this.pos += n;
  }

  /** Adopts a nested reader's failure. */
  check(inner: ProtoReader): void {
    if (inner.failed) this.fail(inner.error);
  }
}
