// A cursor over a wasm binary: LEB128, names, the type section. Shared by the import reader
// (module-imports.ts) and the export reader (module-exports.ts); every read is bounds-checked and
// a malformed module is a WasmFormatError, never an out-of-range read.
import type { FuncSignature, ValType } from './abi-signatures.ts';

export class WasmFormatError extends Error {}

const VAL_TYPES: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

export class WasmReader {
  p = 0;
  constructor(readonly bytes: Uint8Array) {
    this.need(8);
    if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
      throw new WasmFormatError('not a wasm module (bad magic)');
    this.p = 8;
  }

  get done(): boolean {
    return this.p >= this.bytes.length;
  }

  need(n: number): void {
    if (this.p + n > this.bytes.length) throw new WasmFormatError(`truncated module at byte ${this.p}`);
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.p++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) throw new WasmFormatError(`bad LEB128 at byte ${this.p}`);
    }
  }

  name(): string {
    const len = this.u32();
    this.need(len);
    const s = new TextDecoder().decode(this.bytes.subarray(this.p, this.p + len));
    this.p += len;
    return s;
  }

  /** Reads a section header; returns its id and end offset. */
  section(): { id: number; end: number } {
    const id = this.byte();
    const size = this.u32();
    const end = this.p + size;
    if (end > this.bytes.length) throw new WasmFormatError(`section ${id} runs past the end`);
    return { id, end };
  }

  /** Body of the type section: the function types in order. */
  types(): FuncSignature[] {
    const types: FuncSignature[] = [];
    for (let count = this.u32(); count > 0; count--) {
      if (this.byte() !== 0x60) throw new WasmFormatError('unsupported type form');
      const params: string[] = [];
      for (let n = this.u32(); n > 0; n--) params.push(VAL_TYPES[this.byte()] ?? '?');
      const results: string[] = [];
      for (let n = this.u32(); n > 0; n--) results.push(VAL_TYPES[this.byte()] ?? '?');
      types.push({ params: params as ValType[], results: results as ValType[] });
    }
    return types;
  }

  /**
   * Reads one entry of the import section. Function imports carry their type index; the other
   * kinds' descriptors are skipped so the entries after them are still read.
   */
  importEntry(): { module: string; name: string; kind: number; typeIndex?: number } {
    const module = this.name();
    const name = this.name();
    const kind = this.byte();
    if (kind === 0) return { module, name, kind, typeIndex: this.u32() };
    if (kind === 1) {
      this.byte(); // reftype
      this.limits();
    } else if (kind === 2) this.limits();
    else if (kind === 3)
      this.p += 2; // valtype + mutability
    else if (kind === 4) {
      this.byte(); // tag attribute
      this.u32();
    } else throw new WasmFormatError(`unknown import kind for ${module}.${name}`);
    return { module, name, kind };
  }

  /** Skips table/memory limits. */
  limits(): void {
    const flags = this.u32();
    this.u32();
    if (flags & 1) this.u32();
  }
}
