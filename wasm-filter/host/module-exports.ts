// Reads a module's function exports with their types from the binary: cpp-host's getFunction
// checks each callback's signature ("Bad function signature for: <name>", src/v8/v8.cc), and
// WebAssembly.Module.exports() gives names only.
import type { FuncSignature } from './abi-signatures.ts';
import { WasmFormatError, WasmReader } from './wasm-reader.ts';

/** Function exports by name → signature; throws WasmFormatError on a malformed binary. */
export function readFunctionExports(bytes: Uint8Array): Map<string, FuncSignature> {
  const r = new WasmReader(bytes);
  let types: FuncSignature[] = [];
  // Function index space: imported functions first, then the function section's entries.
  const funcTypes: number[] = [];
  const out = new Map<string, FuncSignature>();
  while (!r.done) {
    const { id, end } = r.section();
    if (id === 1) types = r.types();
    else if (id === 2) {
      for (let count = r.u32(); count > 0; count--) {
        const { typeIndex } = r.importEntry();
        if (typeIndex !== undefined) funcTypes.push(typeIndex);
      }
    } else if (id === 3) {
      for (let count = r.u32(); count > 0; count--) funcTypes.push(r.u32());
    } else if (id === 7) {
      for (let count = r.u32(); count > 0; count--) {
        const exportName = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind !== 0) continue;
        const sig = types[funcTypes[index] ?? -1];
        if (!sig) throw new WasmFormatError(`bad function index for export ${exportName}`);
        out.set(exportName, sig);
      }
      return out;
    }
    r.p = end;
  }
  return out;
}
