// Compiles a plugin's module for the VMs: memory capped at Envoy's 1 GiB (memory-limit.ts), its
// loops given a check (loop-budget.ts: the watchdog's stop flag, or an iteration budget, or none),
// then compiled by V8. Test suites and the gateway load the same .wasm many times, so compiled
// modules are kept per (content hash, loop guard); a WebAssembly.Module is immutable and may be
// instantiated any number of times, so sharing it between plugins changes nothing they can see.
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { DEFAULT_LOOP_BUDGET, meterLoops, stopLoops, UnmeterableError } from './loop-budget.ts';
import { capMemory } from './memory-limit.ts';
import { MAX_MEMORY_BYTES, VmError } from './vm.ts';
import { WasmFormatError } from './wasm-reader.ts';

/** What the loops check: the watchdog's stop flag, an iteration budget (0 = nothing). */
export type LoopGuard = { readonly stop: true } | { readonly stop?: false; readonly budget: number };

export interface CompiledModule {
  readonly module: WebAssembly.Module;
  /** True when the loops check the stop flag. */
  readonly stop: boolean;
  /** The budget the module was metered with; 0 when it has no budget. */
  readonly loopBudget: number;
  /**
   * Why the module did not get the guard asked for: a start section (stop flag unreachable, so a
   * budget instead) or an opcode the rewrite does not know (unmetered).
   */
  readonly unmetered?: string;
}

const CACHE_SIZE = 8;
const cache = new Map<string, Promise<CompiledModule>>();

/** The module with its loop checks, and what it got; a malformed module comes back as it is. */
function guardLoops(code: Uint8Array, guard: LoopGuard): { code: Uint8Array; stop: boolean; loopBudget: number; unmetered?: string } {
  let unmetered: string | undefined;
  try {
    if (guard.stop) {
      try {
        return { code: stopLoops(code).bytes, stop: true, loopBudget: 0 };
      } catch (e) {
        if (!(e instanceof UnmeterableError)) throw e;
        unmetered = e.message;
      }
    }
    const budget = guard.stop ? DEFAULT_LOOP_BUDGET : guard.budget;
    if (budget > 0) return { code: meterLoops(code, budget).bytes, stop: false, loopBudget: budget, ...(unmetered ? { unmetered } : {}) };
  } catch (e) {
    // Valid for V8 but not decodable by the rewrite (a newer proposal): run it as it is. A
    // malformed module is left to V8, whose compile error names the problem.
    if (e instanceof UnmeterableError) unmetered = e.message;
    else if (!(e instanceof WasmFormatError)) throw e;
  }
  return { code, stop: false, loopBudget: 0, ...(unmetered ? { unmetered } : {}) };
}

/**
 * proxy-wasm-cpp-host starts V8 with Liftoff off (`src/v8/v8.cc` engine(): `v8_flags.liftoff =
 * false`; cpp-host#323): under Envoy every function of a plugin runs as TurboFan compiled it. Node's
 * default is Liftoff's baseline code first and TurboFan once a function turns hot, so filter code
 * ran slower than Envoy runs it until tier-up, and which tier a callback got depended on how long
 * the process had run. The flag is read when a function is compiled, so setting it before the
 * host's first compile is enough; it is process-wide, as Envoy's is.
 */
let turbofanOnly = false;
function compileAsEnvoy(): void {
  if (turbofanOnly) return;
  setFlagsFromString('--no-liftoff');
  turbofanOnly = true;
}

async function compile(bytes: Uint8Array, guard: LoopGuard): Promise<CompiledModule> {
  compileAsEnvoy();
  let capped = bytes;
  try {
    capped = capMemory(bytes, MAX_MEMORY_BYTES);
  } catch (e) {
    if (!(e instanceof WasmFormatError)) throw e;
  }
  const { code, ...guarded } = guardLoops(capped, guard);
  try {
    const module = await WebAssembly.compile(code);
    return { module, ...guarded };
  } catch (e) {
    if (code !== bytes && WebAssembly.validate(bytes))
      throw new Error(`the loop meter broke a valid module: ${(e as Error).message}`, { cause: e });
    throw new VmError('link', `Failed to load Wasm module: ${(e as Error).message}`, { cause: e });
  }
}

/** Compiles (or reuses) the module for `bytes` with `guard` on its loops; failures are not kept. */
export function compileModule(bytes: Uint8Array, guard: LoopGuard): Promise<CompiledModule> {
  const key = `${createHash('sha256').update(bytes).digest('hex')}:${guard.stop ? 'stop' : guard.budget}`;
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last, so the oldest entry is the one evicted.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = compile(bytes, guard);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pending;
}
