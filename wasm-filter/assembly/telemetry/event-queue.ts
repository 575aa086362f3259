// Bounded FIFO of encoded events (coraza-proxy-wasm #219/#249: bound every buffer). When full,
// the oldest event is dropped and counted: fresh events matter more than stale ones, and a
// request never waits for telemetry. Bounded in events (queue_size) and in bytes: an event with
// body shapes and 32 findings is ~3 KB, so 2000 of them would hold ~6 MB of VM memory.

export class EventQueue {
  private items: StaticArray<ArrayBuffer | null>;
  private head: i32 = 0;
  private count: i32 = 0;
  /** Events dropped because the queue was full. */
  dropped: u64 = 0;
  /** Bytes of the events held. */
  bytes: i64 = 0;

  constructor(
    public capacity: i32,
    /** Most bytes held; the newest event is always kept, whatever its size. */
    public maxBytes: i64 = i64.MAX_VALUE,
  ) {
    this.items = new StaticArray<ArrayBuffer | null>(capacity > 0 ? capacity : 1);
    if (this.capacity <= 0) this.capacity = 1;
  }

  get length(): i32 {
    return this.count;
  }

  push(event: ArrayBuffer): void {
    while (this.count > 0 && (this.count == this.capacity || this.bytes + event.byteLength > this.maxBytes)) this.dropOldest();
    this.items[(this.head + this.count) % this.capacity] = event;
    this.count++;
    this.bytes += event.byteLength;
  }

  private dropOldest(): void {
    const item = this.items[this.head];
    if (item !== null) this.bytes -= item.byteLength;
    this.items[this.head] = null;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.dropped++;
  }

  /** Removes and returns up to `max` events, oldest first. */
  take(max: i32): Array<ArrayBuffer> {
    const n = max < this.count ? max : this.count;
    const out = new Array<ArrayBuffer>(n);
    for (let i = 0; i < n; i++) {
      const item = this.items[this.head];
      out[i] = item !== null ? item : new ArrayBuffer(0);
      if (item !== null) this.bytes -= item.byteLength;
      this.items[this.head] = null;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
    return out;
  }
}
