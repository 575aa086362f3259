// One block, reused, for the bodies the filter reads to inspect (abi/host.ts readBufferBytes):
// a fresh block per body made every inspected request and response leave up to max_body_bytes of
// garbage, and the collector runs only after a batch of work (abi/collector.ts), so bodies would
// set the VM's memory. The block grows to the largest body read and stays; it is pinned,
// so the collector never frees or moves it. Callbacks never nest (one thread per VM), so one is
// enough: a body stays valid until the next body read.

/** Set around a hostcall whose result goes to the scratch block (read by proxy_on_memory_allocate). */
export let scratchWanted: bool = false;
let block: usize = 0;
let capacity: usize = 0;

export function wantScratch(on: bool): void {
  scratchWanted = on;
}

/** The scratch block with room for `size` bytes (proxy_on_memory_allocate while wanted). */
export function scratchBlock(size: usize): usize {
  scratchWanted = false; // one allocation per hostcall
  if (size > capacity || block == 0) {
    if (block != 0) __unpin(block);
    const cap = max(size, capacity << 1);
    block = __pin(__new(cap, idof<ArrayBuffer>()));
    capacity = cap;
  }
  return block;
}

/** Is `ptr` the scratch block (so its owner must not unpin it)? */
export function isScratch(ptr: usize): bool {
  return ptr != 0 && ptr == block;
}
