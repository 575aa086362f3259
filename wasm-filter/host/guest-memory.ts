// Access to the guest's linear memory. Views are re-created whenever memory.buffer changes,
// because memory.grow (by the guest or by its allocator during a hostcall) detaches the old
// ArrayBuffer (notes §8.4). Out-of-range pointers are reported, never thrown, so hostcalls can
// answer InvalidMemoryAccess as cpp-host does.

export class GuestMemory {
  private buffer: ArrayBuffer | undefined;
  private bytes = new Uint8Array(0);
  /**
   * The same memory as a Buffer, made once per buffer: strings are decoded from it and encoded into
   * it in place, with no Buffer object made per hostcall argument or result (~50 ns each).
   */
  private text = Buffer.alloc(0);
  private view = new DataView(new ArrayBuffer(0));

  constructor(private readonly memory: WebAssembly.Memory) {}

  private refresh(): void {
    // Growth detaches the ArrayBuffer the views are on, which then reads as empty: only then is
    // memory.buffer asked for again (the getter is a call into V8, ~40 ns, made several times by
    // every hostcall otherwise).
    if (this.bytes.length !== 0) return;
    const b = this.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.bytes = new Uint8Array(b);
      this.text = Buffer.from(b);
      this.view = new DataView(b);
    }
  }

  get byteLength(): number {
    this.refresh();
    return this.bytes.length;
  }

  /** A COPY of [ptr, ptr+size), or undefined when out of range. */
  read(ptr: number, size: number): Uint8Array | undefined {
    this.refresh();
    ptr >>>= 0;
    size >>>= 0;
    if (ptr + size > this.bytes.length) return undefined;
    return this.bytes.slice(ptr, ptr + size);
  }

  /**
   * [ptr, ptr+size) NOT copied, or undefined when out of range: only for a callee that copies what
   * it keeps before the guest runs again (shared data and queues do).
   */
  lend(ptr: number, size: number): Uint8Array | undefined {
    this.refresh();
    ptr >>>= 0;
    size >>>= 0;
    if (ptr + size > this.bytes.length) return undefined;
    return this.bytes.subarray(ptr, ptr + size);
  }

  readString(ptr: number, size: number): string | undefined {
    this.refresh();
    ptr >>>= 0;
    size >>>= 0;
    if (ptr + size > this.bytes.length) return undefined;
    return this.text.toString('utf8', ptr, ptr + size);
  }

  /** Whether [ptr, ptr + expected.length) holds exactly `expected`; false when out of range. */
  holds(ptr: number, expected: Uint8Array): boolean {
    this.refresh();
    ptr >>>= 0;
    const n = expected.length;
    const bytes = this.bytes;
    if (ptr + n > bytes.length) return false;
    for (let i = 0; i < n; i++) if (bytes[ptr + i] !== expected[i]) return false;
    return true;
  }

  /** Writes `text`, whose chars are all below 0x80, a byte each at ptr; false when out of range. */
  writeAscii(ptr: number, text: string): boolean {
    this.refresh();
    ptr >>>= 0;
    const n = text.length;
    const bytes = this.bytes;
    if (ptr + n > bytes.length) return false;
    for (let i = 0; i < n; i++) bytes[ptr + i] = text.charCodeAt(i);
    return true;
  }

  /** Writes `text` as UTF-8 at ptr; false when [ptr, ptr + byteLength) is out of range. */
  writeString(ptr: number, text: string, byteLength: number): boolean {
    this.refresh();
    ptr >>>= 0;
    if (ptr + byteLength > this.bytes.length) return false;
    this.text.write(text, ptr, byteLength, 'utf8');
    return true;
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
    // setBigUint64 takes the value modulo 2^64 itself (ToBigUint64): no BigInt.asUintN first.
    this.view.setBigUint64(ptr, value, true);
    return true;
  }
}
