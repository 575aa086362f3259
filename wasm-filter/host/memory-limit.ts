// Envoy's V8 refuses to grow a plugin's memory past 1 GiB: cpp-host starts V8 with
// --wasm_max_mem_pages set from PROXY_WASM_HOST_MAX_WASM_MEMORY_SIZE_BYTES (limits.h), so
// memory.grow beyond it returns -1 and the module sees an allocation failure at that moment (an
// AssemblyScript or Rust module then aborts: a trap). Node's V8 allows 4 GiB, so the host gives
// every defined memory a maximum of at most 1 GiB before compiling, which makes the same
// memory.grow fail at the same point.
import { WasmReader } from './wasm-reader.ts';
import { putSection, readSections, rewriteVector, uleb, writeModule } from './wasm-writer.ts';

const PAGE = 64 * 1024;

/** The module with each 32-bit memory's maximum capped at `maxBytes` (whole pages). */
export function capMemory(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.floor(maxBytes / PAGE);
  const r = new WasmReader(bytes);
  const sections = readSections(r);
  const memory = sections.find((s) => s.id === 5);
  if (!memory) return bytes;
  let memory64 = false;
  const body = rewriteVector(r, memory, memory.body.length + 8, (out) => {
    const flags = r.u32();
    const min = r.u32();
    const max = flags & 1 ? r.u32() : undefined;
    // memory64 (flag 4) limits are u64 and this host is wasm32-only: leave such a module to V8.
    if (flags & 4) memory64 = true;
    const capped = Math.max(min, Math.min(max ?? maxPages, maxPages));
    out.write([flags | 1, ...uleb(min), ...uleb(capped)]);
  });
  if (memory64) return bytes;
  putSection(sections, 5, body);
  return writeModule(bytes, sections);
}
