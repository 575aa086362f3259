// A header map with Envoy's semantics as seen through Proxy-Wasm (envoy context.cc; notes §3.1):
// names are lower-cased on write, duplicates are kept in order, a lookup returns only the FIRST
// value, `replace` sets (adding when absent), `remove` of an absent key is fine, and the size the
// ABI reports is HeaderMap::byteSize() (sum of name and value bytes), not the serialized size.
import type { HeaderPair } from './header-pairs.ts';

export class HeaderMap {
  private entries: [string, string][];

  constructor(pairs: Iterable<HeaderPair> = []) {
    this.entries = [];
    for (const [k, v] of pairs) this.entries.push([k.toLowerCase(), v]);
  }

  get size(): number {
    return this.entries.length;
  }

  /** First value of `name`, or undefined (Envoy returns only the first duplicate). */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (const e of this.entries) if (e[0] === key) return e[1];
    return undefined;
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.entries.filter((e) => e[0] === key).map((e) => e[1]);
  }

  add(name: string, value: string): void {
    this.entries.push([name.toLowerCase(), value]);
  }

  /** Sets `name` to a single value, keeping the position of its first occurrence. */
  replace(name: string, value: string): void {
    const key = name.toLowerCase();
    const first = this.entries.findIndex((e) => e[0] === key);
    if (first < 0) {
      this.entries.push([key, value]);
      return;
    }
    this.entries[first] = [key, value];
    this.entries = this.entries.filter((e, i) => i === first || e[0] !== key);
  }

  remove(name: string): void {
    const key = name.toLowerCase();
    this.entries = this.entries.filter((e) => e[0] !== key);
  }

  /** `proxy_set_header_map_pairs`: removes every existing key, then adds the given pairs. */
  setAll(pairs: Iterable<HeaderPair>): void {
    this.entries = [];
    for (const [k, v] of pairs) this.add(k, v);
  }

  /** The live entries without copying, for serializing on the hot path; do not keep it. */
  view(): readonly HeaderPair[] {
    return this.entries;
  }

  pairs(): HeaderPair[] {
    return this.entries.map((e) => [e[0], e[1]] as const);
  }

  /** Envoy HeaderMap::byteSize(): what proxy_get_header_map_size reports. */
  byteSize(): number {
    let n = 0;
    for (const [k, v] of this.entries) n += Buffer.byteLength(k) + Buffer.byteLength(v);
    return n;
  }

  /** Plain object for tests and logs; duplicate names are joined with ", ". */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.entries) out[k] = k in out ? `${out[k]}, ${v}` : v;
    return out;
  }
}
