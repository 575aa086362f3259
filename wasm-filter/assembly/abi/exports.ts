// Exported Proxy-Wasm callbacks. cpp-host finds the ABI version by a *function* export named
// proxy_abi_version_0_2_1 (notes §2.1); it is never called.
export function proxy_abi_version_0_2_1(): void {}

// The host allocates inside the module for every value it returns (notes §3). Allocations are
// pinned-free raw blocks from the AS heap; the ABI layer frees them after copying.
export function proxy_on_memory_allocate(size: usize): usize {
  return heap.alloc(size);
}
