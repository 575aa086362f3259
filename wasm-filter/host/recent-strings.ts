// Strings decoded from guest memory, remembered by their bytes for a while. A filter passes the
// same strings on every request (a rate-limit bucket's shared-data key, read then written; a header
// it sets; the property paths it asks for), so bytes that match ones decoded lately are that string
// again: no decode, no new string to hash for the map it is looked up in, no garbage. Same bytes,
// same string: nothing a hostcall sees changes. Bounded: a guest that builds keys or paths from
// request data only turns the slots over.
import type { GuestMemory } from './guest-memory.ts';

/** Longer strings are decoded every time (comparing them would cost about as much). */
const MAX_BYTES = 128;

export class RecentStrings {
  private readonly bytes: Uint8Array[] = [];
  private readonly texts: string[] = [];
  private next = 0;

  /**
   * `slots` strings are remembered, the oldest replaced first; `form` turns a decoded string into
   * what the caller uses (property paths: their dotted form), computed once per remembered string.
   */
  constructor(
    private readonly mem: () => GuestMemory,
    private readonly slots = 8,
    private readonly form: (decoded: string) => string = (s) => s,
  ) {}

  /** form() of the UTF-8 at [ptr, ptr + size); undefined when out of range. */
  read(ptr: number, size: number): string | undefined {
    const mem = this.mem();
    size >>>= 0;
    if (size > MAX_BYTES) {
      const text = mem.readString(ptr, size);
      return text === undefined ? undefined : this.form(text);
    }
    for (let i = 0; i < this.bytes.length; i++) {
      const known = this.bytes[i]!;
      if (known.length === size && mem.holds(ptr, known)) return this.texts[i];
    }
    const decoded = mem.readString(ptr, size);
    if (decoded === undefined) return undefined;
    const text = this.form(decoded);
    const at = this.bytes.length < this.slots ? this.bytes.length : this.next;
    this.bytes[at] = mem.read(ptr, size)!;
    this.texts[at] = text;
    this.next = (at + 1) % this.slots;
    return text;
  }
}
