// Unpacks the LZ77 format of scripts/lib/lz-pack.mjs (the format is described there): the embedded
// built-in RuleSet is stored packed to keep palisade.wasm small. Every length and distance is checked
// against both buffers, so corrupt input returns null instead of trapping or reading out of bounds.

// @ts-ignore: decorator
@inline const MIN_MATCH: u32 = 4;

/** Reads LEB128 varints from [ptr, ptr + n); `ok` turns false on a truncated or over-long one. */
class VarintReader {
  i: usize = 0;
  ok: bool = true;

  constructor(
    private ptr: usize,
    private n: usize,
  ) {}

  next(): u32 {
    let v: u32 = 0;
    for (let shift: u32 = 0; shift < 32; shift += 7) {
      if (this.i >= this.n) break;
      const b = <u32>load<u8>(this.ptr + this.i++);
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    this.ok = false;
    return 0;
  }
}

/** The bytes packed in [ptr, ptr + n), or null when they are not a well-formed packing. */
export function lzUnpack(ptr: usize, n: usize): ArrayBuffer | null {
  const r = new VarintReader(ptr, n);
  const size = r.next();
  if (!r.ok || size > <u32>i32.MAX_VALUE) return null;
  const out = new ArrayBuffer(<i32>size);
  const base = changetype<usize>(out);
  let o: u32 = 0;
  while (r.i < n) {
    const l = r.next();
    if (!r.ok || <usize>l > n - r.i || l > size - o) return null;
    memory.copy(base + <usize>o, ptr + r.i, <usize>l);
    r.i += <usize>l;
    o += l;
    if (r.i == n) break;
    const m = r.next();
    const d = r.next();
    if (!r.ok || d == 0 || d > o || size - o < MIN_MATCH || m > size - o - MIN_MATCH) return null;
    // Byte by byte: a match may overlap the bytes it writes (a run when d < m).
    for (let k: u32 = 0; k < m + MIN_MATCH; k++, o++) store<u8>(base + <usize>o, load<u8>(base + <usize>(o - d)));
  }
  return o == size ? out : null;
}
