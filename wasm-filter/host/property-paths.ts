// Property paths as guests send them: segments joined by NUL ("upstream\0address"), which Envoy
// splits (a trailing NUL ignored; notes §1.2). A filter asks for the same few paths on every
// request, so each VM knows the paths it was asked for by their bytes: a repeated path is matched
// in guest memory and its dotted form reused, with no string decoded, hashed and dropped per call.
import type { GuestMemory } from './guest-memory.ts';

/** Paths known by their bytes; a guest that builds paths from request data must not grow this. */
const MAX_KNOWN = 32;

/** The dotted form of a raw path ("upstream\0address" → "upstream.address"). */
export function dottedPath(raw: string): string {
  return raw.replace(/\0$/, '').split('\0').join('.');
}

export class PropertyPaths {
  private readonly bytes: Uint8Array[] = [];
  private readonly dotted: string[] = [];

  constructor(private readonly mem: () => GuestMemory) {}

  /** The dotted path held by [ptr, ptr + size) of guest memory; undefined when out of range. */
  at(ptr: number, size: number): string | undefined {
    const mem = this.mem();
    for (let i = 0; i < this.bytes.length; i++) {
      const known = this.bytes[i]!;
      if (known.length === size >>> 0 && mem.holds(ptr, known)) return this.dotted[i];
    }
    const raw = mem.readString(ptr, size);
    if (raw === undefined) return undefined;
    const dotted = dottedPath(raw);
    if (this.bytes.length < MAX_KNOWN) {
      this.bytes.push(mem.read(ptr, size)!);
      this.dotted.push(dotted);
    }
    return dotted;
  }
}
