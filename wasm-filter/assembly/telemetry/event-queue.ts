// Bounded FIFO of encoded events (coraza-proxy-wasm #219/#249: bound every buffer). When full,
// the oldest event is dropped and counted: fresh events matter more than stale ones, and a
// request never waits for telemetry.

export class EventQueue {
  private items: StaticArray<ArrayBuffer | null>;
  private head: i32 = 0;
  private count: i32 = 0;
  /** Events dropped because the queue was full. */
  dropped: u64 = 0;

  constructor(public capacity: i32) {
    this.items = new StaticArray<ArrayBuffer | null>(capacity > 0 ? capacity : 1);
    if (this.capacity <= 0) this.capacity = 1;
  }

  get length(): i32 {
    return this.count;
  }

  push(event: ArrayBuffer): void {
    if (this.count == this.capacity) {
      this.items[this.head] = null;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
    }
    this.items[(this.head + this.count) % this.capacity] = event;
    this.count++;
  }

  /** Removes and returns up to `max` events, oldest first. */
  take(max: i32): Array<ArrayBuffer> {
    const n = max < this.count ? max : this.count;
    const out = new Array<ArrayBuffer>(n);
    for (let i = 0; i < n; i++) {
      const item = this.items[this.head];
      out[i] = item !== null ? item : new ArrayBuffer(0);
      this.items[this.head] = null;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
    return out;
  }
}
