// Access to the guest's linear memory. Views are re-created whenever memory.buffer changes,
// because memory.grow (by the guest or by its allocator during a hostcall) detaches the old
// ArrayBuffer (notes §8.4). Out-of-range pointers are reported, never thrown, so hostcalls can
// answer InvalidMemoryAccess as cpp-host does.

export class GuestMemory {
  private buffer: ArrayBuffer | undefined;
  private bytes = new Uint8Array(0);
  private view = new DataView(new ArrayBuffer(0));

  constructor(private readonly memory: WebAssembly.Memory) {}

  private refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.bytes = new Uint8Array(b);
      this.view = new DataView(b);
    }
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** A COPY of [ptr, ptr+size), or undefined when out of range. */
  read(ptr: number, size: number): Uint8Array | undefined {
    this.refresh();
    ptr >>>= 0;
    size >>>= 0;
    if (ptr + size > this.bytes.length) return undefined;
    return this.bytes.slice(ptr, ptr + size);
  }

  readString(ptr: number, size: number): string | undefined {
    this.refresh();
    ptr >>>= 0;
    size >>>= 0;
    if (ptr + size > this.bytes.length) return undefined;
    return Buffer.from(this.bytes.buffer, ptr, size).toString('utf8');
  }

  write(ptr: number, data: Uint8Array): boolean {
    this.refresh();
    ptr >>>= 0;
    if (ptr + data.length > this.bytes.length) return false;
    this.bytes.set(data, ptr);
    return true;
  }

  writeU32(ptr: number, value: number): boolean {
    this.refresh();
    ptr >>>= 0;
    if (ptr + 4 > this.bytes.length) return false;
    this.view.setUint32(ptr, value >>> 0, true);
    return true;
  }

  readU32(ptr: number): number | undefined {
    this.refresh();
    ptr >>>= 0;
    if (ptr + 4 > this.bytes.length) return undefined;
    return this.view.getUint32(ptr, true);
  }

  writeU64(ptr: number, value: bigint): boolean {
    this.refresh();
    ptr >>>= 0;
    if (ptr + 8 > this.bytes.length) return false;
    this.view.setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }
}
