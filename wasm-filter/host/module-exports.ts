// Reads a module's function exports with their types from the binary: cpp-host's getFunction
// checks each callback's signature ("Bad function signature for: <name>", src/v8/v8.cc), and
// WebAssembly.Module.exports() gives names only.
import type { FuncSignature, ValType } from './abi-signatures.ts';
import { WasmFormatError } from './module-imports.ts';

const VAL: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

/** Function exports by name → signature; throws WasmFormatError on a malformed binary. */
export function readFunctionExports(bytes: Uint8Array): Map<string, FuncSignature> {
  let p = 8;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new WasmFormatError(`truncated module at byte ${p}`);
  };
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      need(1);
      const b = bytes[p++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) throw new WasmFormatError(`bad LEB128 at byte ${p}`);
    }
  };
  const skipName = () => {
    const len = u32();
    need(len);
    p += len;
  };
  const name = () => {
    const len = u32();
    need(len);
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + p, len).toString('utf8');
    p += len;
    return s;
  };
  const skipLimits = () => {
    const flags = u32();
    u32();
    if (flags & 1) u32();
  };
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new WasmFormatError('not a wasm module (bad magic)');
  const types: FuncSignature[] = [];
  const funcTypes: number[] = [];
  const out = new Map<string, FuncSignature>();
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = u32();
    const end = p + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end`);
    if (id === 1) {
      for (let count = u32(); count > 0; count--) {
        need(1);
        if (bytes[p++] !== 0x60) throw new WasmFormatError('unsupported type form');
        const params: string[] = [];
        for (let n = u32(); n > 0; n--) params.push(VAL[bytes[p++]!] ?? '?');
        const results: string[] = [];
        for (let n = u32(); n > 0; n--) results.push(VAL[bytes[p++]!] ?? '?');
        types.push({ params: params as ValType[], results: results as ValType[] });
      }
    } else if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        skipName();
        skipName();
        need(1);
        const kind = bytes[p++]!;
        if (kind === 0) funcTypes.push(u32());
        else if (kind === 1) {
          p++; // reftype
          skipLimits();
        } else if (kind === 2) skipLimits();
        else if (kind === 3)
          p += 2; // valtype + mutability
        else if (kind === 4) {
          p++;
          u32();
        } else throw new WasmFormatError(`unknown import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let count = u32(); count > 0; count--) funcTypes.push(u32());
    } else if (id === 7) {
      for (let count = u32(); count > 0; count--) {
        const exportName = name();
        need(1);
        const kind = bytes[p++]!;
        const index = u32();
        if (kind !== 0) continue;
        const sig = types[funcTypes[index] ?? -1];
        if (!sig) throw new WasmFormatError(`bad function index for export ${exportName}`);
        out.set(exportName, sig);
      }
      return out;
    }
    p = end;
  }
  return out;
}
