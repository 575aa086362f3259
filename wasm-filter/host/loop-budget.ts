// Bounds how long one callback can spin. A module that loops forever would freeze Node's event
// loop, and with it every request of the dev gateway. Envoy has the same hazard (envoy#14126);
// cpp-host answers it with WasmVm::terminate() (V8 TerminateExecution, cpp-host PR #268), after
// which the call fails and the VM is failed like after any trap. Node's own termination cannot be
// used the same way (callback-watchdog.ts says why), so the host rewrites the module: every `loop`
// header gets a check that traps with `unreachable`, an ordinary trap the host catches. Two checks:
// - "stop" (the default): the header reads an exported i32 global and traps when it is non-zero.
//   The callback watchdog sets it, from a V8 interrupt, once a callback has run past its deadline.
//   A load and a branch per iteration, no store.
// - "budget" (where the watchdog is unavailable): the header decrements an exported i32 global
//   and traps at zero; the host refills it before each outermost callback, so it counts loop
//   iterations per callback.
// Recursion needs neither: it ends in a stack-overflow trap.
//
// The rewrite walks each function body instruction by instruction (every immediate decoded), so
// block nesting and branch depths are unchanged: the inserted `if ... end` is self-contained and
// stack-neutral, which keeps loops with parameters valid too.
import { WasmFormatError, WasmReader } from './wasm-reader.ts';
import { appendEntry, putSection, readSections, rewriteVector, sleb, uleb, writeModule, type Section } from './wasm-writer.ts';

/** Export name of the budget global the host refills ("budget" check). */
export const LOOP_BUDGET_EXPORT = '__palisade_loop_budget';
/** Export name of the flag the callback watchdog sets ("stop" check). */
export const LOOP_STOP_EXPORT = '__palisade_loop_stop';
/**
 * Default: loop iterations one callback may run. palisade.wasm needs about 30 per body byte, so a
 * 1 MiB body stays far below it, while an endless loop is stopped within a second or so.
 */
export const DEFAULT_LOOP_BUDGET = 200_000_000;

export interface MeteredModule {
  readonly bytes: Uint8Array;
  /** `loop` instructions instrumented. */
  readonly loops: number;
}

/** An instruction this reader does not know: the module is run unmetered (caller logs it). */
export class UnmeterableError extends Error {}

// How each one-byte opcode's immediates are laid out. The instruction walk below is the hot part
// of loading a module, so it reads the bytes directly; a read past the end yields `undefined`,
// which ends every LEB loop, and the walk checks it stopped exactly at the body's end.
const NONE = 0;
const BLOCK = 1;
const LEB = 2;
const MEMARG = 3;
const SPECIAL = 4;
const UNKNOWN = 5;
const KIND = new Uint8Array(256).fill(UNKNOWN);
for (const op of [0x00, 0x01, 0x05, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1]) KIND[op] = NONE;
for (let op = 0x45; op <= 0xc4; op++) KIND[op] = NONE; // numeric, sign extension
for (const op of [0x02, 0x03, 0x04, 0x06]) KIND[op] = BLOCK;
for (const op of [
  0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x3f, 0x40, 0x41, 0x42, 0xd2,
])
  KIND[op] = LEB;
for (let op = 0x28; op <= 0x3e; op++) KIND[op] = MEMARG;
for (const op of [0x0e, 0x11, 0x13, 0x1c, 0x43, 0x44, 0xd0, 0xfc, 0xfd, 0xfe]) KIND[op] = SPECIAL;
const SHORT_BLOCK_TYPES = new Set([0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function afterLeb(b: Uint8Array, p: number): number {
  while (b[p++]! & 0x80);
  return p;
}

function readU32(b: Uint8Array, at: { p: number }): number {
  let value = 0;
  let shift = 0;
  let x: number;
  do {
    x = b[at.p++] ?? 0;
    value |= (x & 0x7f) << shift;
    shift += 7;
  } while (x & 0x80 && shift < 35);
  return value >>> 0;
}

function afterMemarg(b: Uint8Array, p: number): number {
  const at = { p };
  const align = readU32(b, at);
  if (align & 0x40) at.p = afterLeb(b, at.p); // multi-memory: memory index
  return afterLeb(b, at.p); // offset (u64 with memory64)
}

/** Immediates of the opcodes whose layout depends on their operands or a prefix. */
function afterSpecial(b: Uint8Array, op: number, p: number): number {
  const at = { p };
  switch (op) {
    case 0x0e: // br_table: targets + default
      for (let n = readU32(b, at); n >= 0; n--) at.p = afterLeb(b, at.p);
      return at.p;
    case 0x11: // call_indirect, return_call_indirect: type, table
    case 0x13:
      return afterLeb(b, afterLeb(b, p));
    case 0x1c: // select with types
      return at.p + readU32(b, at);
    case 0x43:
      return p + 4;
    case 0x44:
      return p + 8;
    case 0xd0:
      return p + 1;
    case 0xfc: {
      const sub = readU32(b, at);
      if (sub <= 7) return at.p; // saturating truncations
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) return afterLeb(b, afterLeb(b, at.p));
      if (sub <= 17) return afterLeb(b, at.p);
      throw new UnmeterableError(`unknown opcode 0xfc ${sub} at byte ${p - 1}`);
    }
    case 0xfd: {
      const sub = readU32(b, at);
      if (sub <= 11 || sub === 92 || sub === 93) return afterMemarg(b, at.p);
      if (sub === 12 || sub === 13) return at.p + 16;
      if (sub >= 21 && sub <= 34) return at.p + 1;
      if (sub >= 84 && sub <= 91) return afterMemarg(b, at.p) + 1;
      return at.p;
    }
    default: {
      // 0xfe atomics: fence has one byte, the rest a memarg.
      const sub = readU32(b, at);
      return sub === 0x03 ? at.p + 1 : afterMemarg(b, at.p);
    }
  }
}

/** Instructions run at each `loop` header: budget -= 1; if budget == 0: unreachable. */
function budgetSequence(globalIndex: number): number[] {
  const g = uleb(globalIndex);
  return [0x23, ...g, 0x41, 0x01, 0x6b, 0x24, ...g, 0x23, ...g, 0x45, 0x04, 0x40, 0x00, 0x0b];
}

/** Instructions run at each `loop` header: if stop != 0: unreachable. */
function stopSequence(globalIndex: number): number[] {
  return [0x23, ...uleb(globalIndex), 0x04, 0x40, 0x00, 0x0b];
}

/**
 * Walks one function body (c.p to `end`) and returns the offsets just after each `loop` header,
 * where the meter goes.
 */
function loopHeaders(c: WasmReader, end: number): number[] {
  const b = c.bytes;
  const start = c.p;
  for (let n = c.u32(); n > 0; n--) {
    c.u32();
    c.byte();
  }
  const headers: number[] = [];
  let p = c.p;
  while (p < end) {
    const op = b[p++]!;
    const kind = KIND[op]!;
    if (kind === NONE) continue;
    if (kind === LEB) p = afterLeb(b, p);
    else if (kind === MEMARG) p = afterMemarg(b, p);
    else if (kind === BLOCK) {
      p = SHORT_BLOCK_TYPES.has(b[p]!) ? p + 1 : afterLeb(b, p); // s33 type index
      if (op === 0x03) headers.push(p);
    } else if (kind === SPECIAL) p = afterSpecial(b, op, p);
    else throw new UnmeterableError(`unknown opcode 0x${op.toString(16)} at byte ${p - 1}`);
  }
  if (p !== end) throw new WasmFormatError(`function body at byte ${start} does not end at its size`);
  c.p = end;
  return headers;
}

function importedGlobals(c: WasmReader, section: Section | undefined): number {
  if (!section) return 0;
  c.p = section.offset;
  let globals = 0;
  for (let n = c.u32(); n > 0; n--) if (c.importEntry().kind === 3) globals++;
  return globals;
}

/**
 * Returns the module with every loop metered against an exported, mutable i32 global
 * (LOOP_BUDGET_EXPORT) initialised to `budget`. Throws WasmFormatError for a malformed binary and
 * UnmeterableError for an instruction this reader does not decode.
 */
export function meterLoops(bytes: Uint8Array, budget = DEFAULT_LOOP_BUDGET): MeteredModule {
  return instrumentLoops(bytes, BUDGET_CHECK, budget | 0);
}

/**
 * Returns the module with every loop checking an exported, mutable i32 global (LOOP_STOP_EXPORT,
 * initially 0) and trapping once it is set. A start section would run inside instantiation, before
 * the host can reach the flag, so such a module is refused with UnmeterableError (the host meters
 * it with a budget instead). Throws like meterLoops otherwise.
 */
export function stopLoops(bytes: Uint8Array): MeteredModule {
  return instrumentLoops(bytes, STOP_CHECK, 0);
}

interface LoopCheck {
  /** The instructions put after each `loop` header, given the index of the check's global. */
  readonly sequence: (global: number) => number[];
  readonly exportName: string;
  /** The global is only reachable once instantiated: a start section would run unchecked. */
  readonly refuseStart: boolean;
}
const BUDGET_CHECK: LoopCheck = { sequence: budgetSequence, exportName: LOOP_BUDGET_EXPORT, refuseStart: false };
const STOP_CHECK: LoopCheck = { sequence: stopSequence, exportName: LOOP_STOP_EXPORT, refuseStart: true };

function instrumentLoops(bytes: Uint8Array, check: LoopCheck, initial: number): MeteredModule {
  const c = new WasmReader(bytes);
  const sections = readSections(c);
  const find = (id: number) => sections.find((s) => s.id === id);
  if (check.refuseStart && find(8)) throw new UnmeterableError('a start section runs before the stop flag can be set');
  const globals = find(6);
  let definedGlobals = 0;
  if (globals) {
    c.p = globals.offset;
    definedGlobals = c.u32();
  }
  const globalIndex = importedGlobals(c, find(2)) + definedGlobals;
  const meter = check.sequence(globalIndex);
  let loops = 0;
  const code = find(10);
  if (code) {
    const body = rewriteVector(c, code, code.body.length + 4096, (out) => {
      const size = c.u32();
      c.need(size);
      const start = c.p;
      const headers = loopHeaders(c, start + size);
      out.write(uleb(size + headers.length * meter.length));
      let copied = start;
      for (const at of headers) {
        out.write(c.bytes.subarray(copied, at));
        out.write(meter);
        copied = at;
      }
      out.write(c.bytes.subarray(copied, start + size));
      loops += headers.length;
    });
    putSection(sections, 10, body);
  }
  // (global (mut i32) (i32.const initial)), exported so the host can refill or set it.
  putSection(sections, 6, appendEntry(c, globals, [0x7f, 0x01, 0x41, ...sleb(initial), 0x0b]));
  const name = [...new TextEncoder().encode(check.exportName)];
  putSection(sections, 7, appendEntry(c, find(7), [...uleb(name.length), ...name, 0x03, ...uleb(globalIndex)]));
  return { bytes: writeModule(bytes, sections), loops };
}
