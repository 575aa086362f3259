// Writing wasm binaries: LEB128 encoders, a growable byte buffer, and a module held as its list
// of sections so a rewrite (loop-budget.ts, memory-limit.ts) can replace or add sections and
// write the module back in the order the binary format requires.
import type { WasmReader } from './wasm-reader.ts';

// Section ids in the order the binary format requires (tag 13 sits before global; datacount 12
// before code).
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const rank = (id: number) => SECTION_ORDER.indexOf(id);

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A growable byte buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }
  write(bytes: ArrayLike<number>): void {
    if (this.length + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export interface Section {
  id: number;
  /** Section body, without id and size. */
  body: Uint8Array;
  /** Offset of the body in the original module (for reading it with a WasmReader). */
  offset: number;
}

export function readSections(c: WasmReader): Section[] {
  const sections: Section[] = [];
  while (!c.done) {
    const { id, end } = c.section();
    sections.push({ id, body: c.bytes.subarray(c.p, end), offset: c.p });
    c.p = end;
  }
  return sections;
}

/** A vector section's body with its count raised by one and `entry` appended. */
export function appendEntry(c: WasmReader, section: Section | undefined, entry: number[]): Uint8Array {
  const out = new ByteWriter();
  if (!section) {
    out.write(uleb(1));
  } else {
    c.p = section.offset;
    out.write(uleb(c.u32() + 1));
    out.write(c.bytes.subarray(c.p, section.offset + section.body.length));
  }
  out.write(entry);
  return out.bytes();
}

export function putSection(sections: Section[], id: number, body: Uint8Array): void {
  const existing = sections.find((s) => s.id === id);
  if (existing) {
    existing.body = body;
    return;
  }
  const at = sections.findIndex((s) => s.id !== 0 && rank(s.id) > rank(id));
  sections.splice(at < 0 ? sections.length : at, 0, { id, body, offset: -1 });
}

/** A vector section rewritten entry by entry: `entry` reads one at r.p and writes its replacement. */
export function rewriteVector(r: WasmReader, section: Section, capacity: number, entry: (out: ByteWriter) => void): Uint8Array {
  r.p = section.offset;
  const out = new ByteWriter(capacity);
  const count = r.u32();
  out.write(uleb(count));
  for (let i = 0; i < count; i++) entry(out);
  return out.bytes();
}

/** The module back as bytes: the original 8-byte header, then every section in order. */
export function writeModule(original: Uint8Array, sections: readonly Section[]): Uint8Array {
  const size = sections.reduce((n, s) => n + s.body.length + 6, 8);
  const module = new ByteWriter(size);
  module.write(original.subarray(0, 8));
  for (const s of sections) {
    module.write([s.id, ...uleb(s.body.length)]);
    module.write(s.body);
  }
  return module.bytes();
}
