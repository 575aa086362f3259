// Reads a module's imports with their function types straight from the binary: Node 20's
// WebAssembly.Module.imports() gives names only, and Envoy's V8::link checks types too.
import type { FuncSignature } from './abi-signatures.ts';
import { expectedImport } from './abi-signatures.ts';
import { WasmFormatError, WasmReader } from './wasm-reader.ts';

export interface ModuleImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** Present for function imports. */
  signature?: FuncSignature;
}

const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

export { WasmFormatError };

/** Lists imports; throws WasmFormatError on a truncated or malformed binary. */
export function readModuleImports(bytes: Uint8Array): ModuleImport[] {
  const r = new WasmReader(bytes);
  let types: FuncSignature[] = [];
  const imports: ModuleImport[] = [];
  while (!r.done) {
    const { id, end } = r.section();
    if (id === 1) {
      types = r.types();
    } else if (id === 2) {
      for (let count = r.u32(); count > 0; count--) {
        const entry = r.importEntry();
        const kind = KINDS[entry.kind]!;
        const full = `${entry.module}.${entry.name}`;
        if (entry.typeIndex === undefined) {
          imports.push({ module: entry.module, name: entry.name, kind });
          continue;
        }
        const signature = types[entry.typeIndex];
        if (!signature) throw new WasmFormatError(`bad type index for ${full}`);
        imports.push({ module: entry.module, name: entry.name, kind, signature });
      }
      return imports;
    }
    r.p = end;
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
