// Expands rules.proto Automaton.sparse_transitions (the compact row-delta form the built-in rules
// are embedded in; format in rules.proto and control-plane/detect/sparse-rows.ts) into the dense
// little-endian table the rest of the decoder checks and the scanner runs. Every read is bounds
// checked: a malformed stream returns null, never traps. Target ids are range-checked later by
// the same check as dense tables.

/** Varints from a byte array; `bad` once a read ran past the end or exceeded 5 bytes. */
class VarintCursor {
  at: usize = 0;
  bad: bool = false;
  constructor(
    private base: usize,
    private end: usize,
  ) {}

  next(): u32 {
    let v: u32 = 0;
    for (let shift: u32 = 0; shift < 35; shift += 7) {
      if (this.at >= this.end) break;
      const b = <u32>load<u8>(this.base + this.at++);
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    this.bad = true;
    return 0;
  }
}

/** Dense table of `states * classes` entries of `width` (2 or 4) bytes, or null when malformed.
 * The caller has bounded `states * classes`. */
export function expandSparseTransitions(src: StaticArray<u8>, states: u32, classes: u32, width: u32): StaticArray<u8> | null {
  if (<usize>states > <usize>src.length) return null; // every row costs at least one byte
  const out = new StaticArray<u8>(<i32>(<usize>states * <usize>classes * <usize>width));
  const dst = changetype<usize>(out);
  const shift: usize = width == 2 ? 1 : 2;
  const limit: u32 = width == 2 ? 0xffff : 0xffffffff;
  const r = new VarintCursor(changetype<usize>(src), <usize>src.length);
  for (let s: u32 = 0; s < states; s++) {
    const row = <usize>s * <usize>classes;
    const back = r.next();
    if (back == 0) {
      for (let c: usize = 0; c < <usize>classes; c++) {
        const v = r.next();
        if (v > limit) return null;
        storeEntry(dst, row + c, shift, v);
      }
    } else {
      if (back > s) return null;
      const from = (row - <usize>back * <usize>classes) << shift;
      memory.copy(dst + (row << shift), dst + from, <usize>classes << shift);
      const count = r.next();
      if (count > classes) return null;
      let prev: i64 = -1;
      for (let i: u32 = 0; i < count; i++) {
        const c = r.next();
        const v = r.next();
        if (<i64>c <= prev || c >= classes || v > limit) return null;
        prev = c;
        storeEntry(dst, row + c, shift, v);
      }
    }
    if (r.bad) return null;
  }
  if (r.at != <usize>src.length) return null;
  return out;
}

@inline function storeEntry(dst: usize, i: usize, shift: usize, v: u32): void {
  if (shift == 1) store<u16>(dst + (i << 1), <u16>v);
  else store<u32>(dst + (i << 2), v);
}
