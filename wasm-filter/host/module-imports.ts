// Reads a module's imports with their function types straight from the binary: Node 20's
// WebAssembly.Module.imports() gives names only, and Envoy's V8::link checks types too.
import type { FuncSignature, ValType } from './abi-signatures.ts';
import { expectedImport } from './abi-signatures.ts';

export interface ModuleImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** Present for function imports. */
  signature?: FuncSignature;
}

const VAL_TYPES: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};
const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

export class WasmFormatError extends Error {}

/** Lists imports; throws WasmFormatError on a truncated or malformed binary. */
export function readModuleImports(bytes: Uint8Array): ModuleImport[] {
  let p = 0;
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
  const name = () => {
    const len = u32();
    need(len);
    const s = new TextDecoder().decode(bytes.subarray(p, p + len));
    p += len;
    return s;
  };
  need(8);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new WasmFormatError('not a wasm module (bad magic)');
  p = 8;
  const types: FuncSignature[] = [];
  const imports: ModuleImport[] = [];
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
        for (let n = u32(); n > 0; n--) params.push(VAL_TYPES[bytes[p++]!] ?? '?');
        const results: string[] = [];
        for (let n = u32(); n > 0; n--) results.push(VAL_TYPES[bytes[p++]!] ?? '?');
        types.push({ params: params as ValType[], results: results as ValType[] });
      }
    } else if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        const module = name();
        const field = name();
        need(1);
        const kind = KINDS[bytes[p++]!];
        if (!kind) throw new WasmFormatError(`unknown import kind for ${module}.${field}`);
        if (kind === 'function') {
          const signature = types[u32()];
          if (!signature) throw new WasmFormatError(`bad type index for ${module}.${field}`);
          imports.push({ module, name: field, kind, signature });
        } else {
          imports.push({ module, name: field, kind });
          // Import descriptors other than functions are not needed past this point.
          break;
        }
      }
      return imports;
    }
    p = end;
  }
  return imports;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const show = (s: FuncSignature) => `(${s.params.join(',')})->(${s.results.join(',')})`;

/**
 * Problems Envoy's V8::link would report, worded like it: missing imports and type mismatches.
 * Memory and table imports are accepted (the host creates them); global imports are refused.
 */
export function linkProblems(imports: readonly ModuleImport[]): string[] {
  const problems: string[] = [];
  for (const imp of imports) {
    const full = `${imp.module}.${imp.name}`;
    if (imp.kind === 'memory' || imp.kind === 'table') continue;
    const want = imp.kind === 'function' ? expectedImport(imp.module, imp.name) : undefined;
    if (!want || !imp.signature) {
      problems.push(`Failed to load Wasm module due to a missing import: ${full}`);
    } else if (!same(want.params, imp.signature.params) || !same(want.results, imp.signature.results)) {
      problems.push(
        `Failed to load Wasm module due to an import type mismatch: ${full}, want: ${show(want)}, but host exports: ${show(imp.signature)}`,
      );
    }
  }
  return problems;
}
