// Strings decoded from guest memory, remembered by their bytes for a while. A filter passes the
// same keys on every request (a rate-limit bucket's shared-data key, read then written; a header
// it sets), so a key whose bytes match one decoded lately is that string again: no decode, no new
// string to hash for the map it is looked up in, no garbage. Same bytes, same string: nothing a
// hostcall sees changes.
import type { GuestMemory } from './guest-memory.ts';

/** Strings remembered, the oldest replaced first. */
const SLOTS = 8;
/** Longer strings are decoded every time (comparing them would cost about as much). */
const MAX_BYTES = 128;

export class RecentStrings {
  private readonly bytes: Uint8Array[] = [];
  private readonly texts: string[] = [];
  private next = 0;

  constructor(private readonly mem: () => GuestMemory) {}

  /** The UTF-8 at [ptr, ptr + size) as a string; undefined when out of range. */
  read(ptr: number, size: number): string | undefined {
    const mem = this.mem();
    size >>>= 0;
    if (size > MAX_BYTES) return mem.readString(ptr, size);
    for (let i = 0; i < this.bytes.length; i++) {
      const known = this.bytes[i]!;
      if (known.length === size && mem.holds(ptr, known)) return this.texts[i];
    }
    const text = mem.readString(ptr, size);
    if (text === undefined) return undefined;
    const at = this.bytes.length < SLOTS ? this.bytes.length : this.next;
    this.bytes[at] = mem.read(ptr, size)!;
    this.texts[at] = text;
    this.next = (at + 1) % SLOTS;
    return text;
  }
}
