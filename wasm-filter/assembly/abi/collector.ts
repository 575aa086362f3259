// When the garbage collector runs. The module is built with the two-colour mark & sweep runtime
// (asconfig.json "runtime": "minimal"), which never collects by itself: the incremental one kept
// a shadow stack of every managed local and a write barrier on every managed field store, which
// cost more than the rest of a headers-only exchange's filter work (issue 7 figures in the commit).
// A collection frees whatever is not reachable from a global, so it may only run when no managed
// value lives on the Wasm stack alone: at the very end of an exported callback, after the work.
//
// It runs once enough work has piled up since the last one: a number of finished callbacks (an
// exchange is six to ten; each leaves a bounded amount of garbage), or a volume of input bytes
// (what the host had the module allocate — bodies, header maps, gRPC messages — and what the scan
// exports were given: the garbage that can be large grows with them), so the heap stays near the
// live set plus one batch of garbage.

/** Callbacks between collections: a few dozen exchanges, so one marking of the live heap is shared. */
// @ts-ignore: decorator
@inline const COLLECT_EVERY_CALLBACKS: u32 = 512;
/** Input bytes that bring a collection forward (a few 64 KiB bodies). */
// @ts-ignore: decorator
@inline const COLLECT_AFTER_INPUT_BYTES: usize = 1 << 20;

let callbacks: u32 = 0;
/** Exported callbacks in progress: more than one when a host delivers one inside another. */
let depth: i32 = 0;
let inputBytes: usize = 0;

/** `size` bytes came in: a block the host fills (proxy_on_memory_allocate), a body to scan. */
export function noteInputBytes(size: usize): void {
  inputBytes += size;
}

/** The first statement of an exported callback (all but the allocator). */
export function enterCallback(): void {
  depth++;
}

/** The last statement of an exported callback: collects when due. */
export function leaveCallback(): void {
  depth--;
  collectIfDue();
}

/**
 * Collects when the work since the last collection says so; also the last statement of the scan
 * exports (scan-exports.ts). Never inside a callback delivered within another one: Envoy defers
 * what could re-enter (a local reply, continue_stream: addAfterVmCallAction, notes §5), but if a
 * host did re-enter, the outer callback's values would be on the stack alone.
 */
export function collectIfDue(): void {
  if (depth > 0) return;
  if (++callbacks < COLLECT_EVERY_CALLBACKS && inputBytes < COLLECT_AFTER_INPUT_BYTES) return;
  callbacks = 0;
  inputBytes = 0;
  __collect();
}
