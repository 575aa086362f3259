// A detector's context keywords (docs/detectors.md §5-6) searched together: one pass over the
// window that looks at a word only where its first byte stands, instead of one pass per word.
// Answers exactly what windowHas (key-tokens.ts) answers for some word of the list. The words
// are kept flat and read through raw addresses: a managed reference per word would be spilled to
// AssemblyScript's shadow stack at every look.
import { isAlnum } from "./key-tokens";

export class KeywordSet {
  /**
   * 32-byte bitmap of the words' first bytes, in both cases for a letter: the window's bytes are
   * tested as they are, and only one that may start a word is lower-cased.
   */
  private first: StaticArray<u8> = new StaticArray<u8>(32);
  /** An empty word is found in every window (windowHas). */
  private anyEmpty: bool = false;
  /** Word k: bytes[start[k], start[k] + len[k]); all words non-empty. */
  private bytes: StaticArray<u8> = new StaticArray<u8>(0);
  private start: StaticArray<u32> = new StaticArray<u32>(0);
  private len: StaticArray<u32> = new StaticArray<u32>(0);
  private count: i32 = 0;

  constructor(words: Array<StaticArray<u8>>) {
    let total = 0;
    for (let k = 0; k < words.length; k++) total += words[k].length;
    const bytes = new StaticArray<u8>(total);
    const start = new StaticArray<u32>(words.length);
    const len = new StaticArray<u32>(words.length);
    let at = 0;
    let count = 0;
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w.length == 0) {
        this.anyEmpty = true;
        continue;
      }
      const c = <u32>w[0];
      this.first[c >> 3] |= <u8>(<u32>1 << (c & 7));
      if (c - 97 < 26) this.first[(c - 32) >> 3] |= <u8>(<u32>1 << ((c - 32) & 7)); // A-Z finds a-z
      memory.copy(changetype<usize>(bytes) + <usize>at, changetype<usize>(w), <usize>w.length);
      start[count] = <u32>at;
      len[count] = <u32>w.length;
      count++;
      at += w.length;
    }
    this.bytes = bytes;
    this.start = start;
    this.len = len;
    this.count = count;
  }

  /** Whether some word occurs in raw field bytes [from, to), ASCII case-insensitively, at a word start. */
  anyIn(field: usize, from: usize, to: usize): bool {
    if (this.anyEmpty) return true;
    // Most detectors have no negative keywords, some none positive: no window to walk.
    if (this.count == 0) return false;
    const first = changetype<usize>(this.first);
    for (let i = from; i < to; i++) {
      let c = <u32>load<u8>(field + i);
      if ((load<u8>(first + (c >> 3)) & (1 << (c & 7))) == 0) continue; // c < 256: inside the bitmap
      if (c - 65 < 26) c += 32;
      if (this.wordAt(field, i, to, c)) return true;
    }
    return false;
  }

  /** Some word with first byte c (lower-cased field byte at i) matches at i and ends by `to`. */
  private wordAt(field: usize, i: usize, to: usize, c: u32): bool {
    // A word starting with a letter or digit must not continue a word of the field (`tel` in `Patel`).
    if (isAlnum(c) && i > 0 && isAlnum(<u32>load<u8>(field + i - 1))) return false;
    const bytes = changetype<usize>(this.bytes);
    const starts = changetype<usize>(this.start);
    const lens = changetype<usize>(this.len);
    for (let k = 0; k < this.count; k++) {
      // k < count = start.length = len.length; start + len <= bytes.length.
      const w = bytes + <usize>load<u32>(starts + (<usize>k << 2));
      const m = <usize>load<u32>(lens + (<usize>k << 2));
      if (<u32>load<u8>(w) != c || i + m > to) continue;
      let j: usize = 1;
      while (j < m) {
        let b = <u32>load<u8>(field + i + j);
        if (b - 65 < 26) b += 32;
        if (b != <u32>load<u8>(w + j)) break;
        j++;
      }
      if (j == m) return true;
    }
    return false;
  }
}
