// Compiles a plugin's module for the VMs: memory capped at Envoy's 1 GiB (memory-limit.ts),
// metered for loops (loop-budget.ts) unless the budget is 0, then compiled by V8. Test suites and the gateway load the same .wasm many times, so compiled
// modules are kept per (content hash, budget); a WebAssembly.Module is immutable and may be
// instantiated any number of times, so sharing it between plugins changes nothing they can see.
import { createHash } from 'node:crypto';
import { meterLoops, UnmeterableError } from './loop-budget.ts';
import { capMemory } from './memory-limit.ts';
import { MAX_MEMORY_BYTES, VmError } from './vm.ts';
import { WasmFormatError } from './wasm-reader.ts';

export interface CompiledModule {
  readonly module: WebAssembly.Module;
  /** The budget the module was metered with; 0 when it runs unmetered. */
  readonly loopBudget: number;
  /** Why a module that asked for a budget runs unmetered (an opcode the meter does not know). */
  readonly unmetered?: string;
}

const CACHE_SIZE = 8;
const cache = new Map<string, Promise<CompiledModule>>();

async function compile(bytes: Uint8Array, loopBudget: number): Promise<CompiledModule> {
  let code = bytes;
  try {
    code = capMemory(bytes, MAX_MEMORY_BYTES);
  } catch (e) {
    if (!(e instanceof WasmFormatError)) throw e;
  }
  let unmetered: string | undefined;
  if (loopBudget > 0) {
    try {
      code = meterLoops(code, loopBudget).bytes;
    } catch (e) {
      // Valid for V8 but not decodable by the meter (a newer proposal): run it as it is. A
      // malformed module is left to V8, whose compile error names the problem.
      if (e instanceof UnmeterableError) unmetered = e.message;
      else if (!(e instanceof WasmFormatError)) throw e;
    }
  }
  try {
    const module = await WebAssembly.compile(code);
    return { module, loopBudget: unmetered === undefined ? loopBudget : 0, ...(unmetered === undefined ? {} : { unmetered }) };
  } catch (e) {
    if (code !== bytes && WebAssembly.validate(bytes))
      throw new Error(`the loop meter broke a valid module: ${(e as Error).message}`, { cause: e });
    throw new VmError('link', `Failed to load Wasm module: ${(e as Error).message}`, { cause: e });
  }
}

/** Compiles (or reuses) the module for `bytes` metered with `loopBudget`; failures are not kept. */
export function compileModule(bytes: Uint8Array, loopBudget: number): Promise<CompiledModule> {
  const key = `${createHash('sha256').update(bytes).digest('hex')}:${loopBudget}`;
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last, so the oldest entry is the one evicted.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = compile(bytes, loopBudget);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pending;
}
