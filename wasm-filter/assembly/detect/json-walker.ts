// The lenient JSON tokenizer of docs/detectors.md §2 "JSON": cuts a body into value segments
// (decoded strings, raw numbers) with the key and path each sits under. It never fails: malformed
// JSON still yields every string and number it contains, and nesting beyond MAX_DEPTH turns the
// rest of the body into one text segment.
import { decodeJsonString } from "./decode";
import { JsonVisitor } from "./json-visitor";
import { appendString, ByteBuf, PathSource, Segment, SegmentSink } from "./segment";

@inline export const MAX_DEPTH: i32 = 64;

@inline function isSpace(c: u32): bool {
  return c == 32 || c == 9 || c == 13 || c == 10;
}

/** 1 for the bytes that end a bare word: space, tab, CR, LF, `{ } [ ] , : "` (one load per byte). */
const BARE_WORD_END = new StaticArray<u8>(256);
(function initBareWordEnd(): void {
  const ends = " \t\r\n{}[],:\"";
  for (let i = 0; i < ends.length; i++) BARE_WORD_END[ends.charCodeAt(i)] = 1;
})();

export class JsonWalker extends PathSource {
  private isObject: StaticArray<bool> = new StaticArray<bool>(MAX_DEPTH);
  private expectKey: StaticArray<bool> = new StaticArray<bool>(MAX_DEPTH);
  private index: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH);
  /**
   * Current member name of object level k, nameLen[k] bytes: a name without escapes is its own
   * wire bytes, read in place at nameAt[k] (nameCopied[k] false: nothing to copy per key); a
   * decoded one is names[nameAt[k], +nameLen[k]) (an offset: the buffer may move as it grows).
   * names[nameStart[k], ...) is where level k's decoded name goes.
   */
  private nameStart: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH + 1);
  private nameAt: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH);
  private nameCopied: StaticArray<bool> = new StaticArray<bool>(MAX_DEPTH);
  private nameLen: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH);
  private names: ByteBuf = new ByteBuf();
  private depth: i32 = 0;
  private keySeg: Segment = new Segment();
  private noPath: bool = false;

  hasPath(): bool {
    return !this.noPath;
  }

  /** `$` then `.name`, `['name']` or `[i]` per container from the bottom, as UTF-8. */
  spellPath(out: ByteBuf): void {
    out.len = 0;
    out.push(36); // $
    for (let k = 0; k < this.depth; k++) {
      if (unchecked(this.isObject[k])) appendMemberBytes(out, this.nameAddress(k), unchecked(this.nameLen[k]));
      else appendIndexBytes(out, unchecked(this.index[k]));
    }
  }

  /**
   * Walks raw body [0, len) at `field`, handing every value segment to sink and, when given, the
   * structure to `visitor` (each value is reported to the visitor before the sink sees it).
   */
  walk(field: usize, len: usize, seg: Segment, sink: SegmentSink, visitor: JsonVisitor | null = null): void {
    this.depth = 0;
    this.names.len = 0;
    this.noPath = false;
    unchecked((this.nameStart[0] = 0));
    let i: usize = 0;
    while (i < len) {
      const c = <u32>load<u8>(field + i);
      // Most frequent first: in compact JSON every key and string value opens with `"`, and every
      // member has a `:` and a `,`; whitespace and brackets come far less often.
      if (c == 34) {
        const from = i + 1;
        let j = skipPlainStringBytes(field, from, len);
        let escaped = false;
        while (j < len) {
          const b = load<u8>(field + j);
          if (b == 34) break;
          if (b == 92) {
            escaped = true;
            j += 2; // the byte after a backslash never ends the string
          } else j++;
        }
        const to = j < len ? j : len;
        const d = this.depth - 1;
        if (d >= 0 && unchecked(this.isObject[d]) && unchecked(this.expectKey[d])) {
          this.setMemberName(d, field, from, to, escaped);
          unchecked((this.expectKey[d] = false));
          // The decoded name as setMemberName stored it (keySeg is used only for escaped names).
          if (visitor !== null) visitor.key(this.nameAddress(d), unchecked(this.nameLen[d]));
          // The `:` that follows a name in compact JSON, taken here: its own turn of the loop
          // would only clear expectKey[d] again.
          if (to + 1 < len && load<u8>(field + to + 1) == 58) {
            i = to + 2;
            continue;
          }
        } else {
          // Without a backslash the string is its own decoding: no second pass looking for one.
          if (escaped) decodeJsonString(seg, field, from, to);
          else seg.setIdentity(field, from, to - from);
          if (visitor !== null) visitor.string(seg.data, seg.n);
          this.setValueKey(seg);
          sink.onSegment(seg, this);
          // The `,` that follows a value in compact JSON, taken here rather than by its own turn.
          if (to + 1 < len && load<u8>(field + to + 1) == 44) {
            this.nextMember();
            i = to + 2;
            continue;
          }
        }
        i = to + 1;
      } else if (c == 44) {
        this.nextMember();
        i++;
      } else if (c == 58) {
        if (this.depth > 0 && unchecked(this.isObject[this.depth - 1])) unchecked((this.expectKey[this.depth - 1] = false));
        i++;
      } else if (isSpace(c)) {
        // A run of whitespace (indentation, padding) in a tight loop: tested here after the
        // frequent token bytes, each of its bytes would otherwise pay those tests first.
        i++;
        while (i < len && isSpace(<u32>load<u8>(field + i))) i++;
      } else if (c == 123 || c == 91) {
        if (this.depth == MAX_DEPTH) {
          seg.setIdentity(field, i, len - i);
          seg.keyLen = 0;
          this.noPath = true;
          sink.onSegment(seg, this);
          return;
        }
        if (visitor !== null) visitor.open(c == 123);
        const d = this.depth++;
        unchecked((this.isObject[d] = c == 123)); // d < MAX_DEPTH checked above
        unchecked((this.expectKey[d] = c == 123));
        unchecked((this.index[d] = 0));
        unchecked((this.nameLen[d] = 0));
        unchecked((this.nameAt[d] = 0));
        unchecked((this.nameCopied[d] = false));
        unchecked((this.nameStart[d + 1] = this.nameStart[d])); // nameStart has MAX_DEPTH + 1 entries
        i++;
      } else if (c == 125 || c == 93) {
        if (this.depth > 0) {
          if (visitor !== null) visitor.close();
          this.depth--;
          this.names.len = unchecked(this.nameStart[this.depth + 1]); // the end of this level's decoded name
        }
        i++;
      } else {
        let j = i + 1;
        const ends = changetype<usize>(BARE_WORD_END);
        while (j < len && load<u8>(ends + <usize>load<u8>(field + j)) == 0) j++; // a byte indexes 256 entries
        if (visitor !== null) visitor.word(field + i, j - i);
        if (c == 45 || c - 48 < 10) {
          seg.setIdentity(field, i, j - i);
          this.setValueKey(seg);
          sink.onSegment(seg, this);
        }
        if (j < len && load<u8>(field + j) == 44) {
          this.nextMember(); // the `,` after a number, as after a string value
          j++;
        }
        i = j;
      }
    }
  }

  /** A `,`: the next member of the innermost object is a name; the next element of an array, the next index. */
  @inline private nextMember(): void {
    if (this.depth > 0) {
      const d = this.depth - 1;
      if (unchecked(this.isObject[d])) unchecked((this.expectKey[d] = true)); // d < MAX_DEPTH
      else unchecked((this.index[d] = this.index[d] + 1));
    }
  }

  /** Stores the member name of object level d (it replaces the previous one); decoded only when escaped. */
  private setMemberName(d: i32, field: usize, from: usize, to: usize, escaped: bool): void {
    const start = unchecked(this.nameStart[d]); // d < MAX_DEPTH; nameStart has MAX_DEPTH + 1 entries
    this.names.len = start;
    if (!escaped) {
      unchecked((this.nameAt[d] = field + from));
      unchecked((this.nameCopied[d] = false));
      unchecked((this.nameLen[d] = to - from));
      unchecked((this.nameStart[d + 1] = start));
      return;
    }
    decodeJsonString(this.keySeg, field, from, to);
    const n = this.keySeg.n;
    this.names.append(this.keySeg.data, n);
    unchecked((this.nameAt[d] = start));
    unchecked((this.nameCopied[d] = true));
    unchecked((this.nameLen[d] = n));
    unchecked((this.nameStart[d + 1] = start + n));
  }

  /** Address of object level k's member name (k < depth). */
  @inline private nameAddress(k: i32): usize {
    const at = unchecked(this.nameAt[k]);
    return unchecked(this.nameCopied[k]) ? this.names.ptr + at : at;
  }

  /** Key of a value: the member name of the nearest object, looking down through arrays. */
  private setValueKey(seg: Segment): void {
    seg.keyLen = 0;
    for (let k = this.depth - 1; k >= 0; k--) {
      if (unchecked(this.isObject[k])) {
        seg.keyPtr = this.nameAddress(k);
        seg.keyLen = unchecked(this.nameLen[k]);
        return;
      }
    }
  }
}

@inline const ONES: u64 = 0x0101010101010101;
@inline const HIGHS: u64 = 0x8080808080808080;

/**
 * High bits of x's zero bytes (SWAR). Bytes above a zero byte may be flagged falsely (a borrow),
 * but never one below it: the lowest flag is exactly the first zero byte (little-endian).
 */
@inline function zeroBytes(x: u64): u64 {
  return (x - ONES) & ~x & HIGHS;
}

/**
 * First index >= from of a `"` or `\`, stepping 8 bytes at a time (the lowest flagged byte of
 * the first word holding one is it); near the field's end, the index where 8 bytes no longer fit,
 * and the caller finishes byte by byte from there.
 */
function skipPlainStringBytes(field: usize, from: usize, len: usize): usize {
  let j = from;
  while (j + 8 <= len) {
    const x = load<u64>(field + j); // j + 8 <= len: inside the field
    const stops = zeroBytes(x ^ (ONES * 0x22)) | zeroBytes(x ^ (ONES * 0x5c));
    if (stops != 0) return j + <usize>(ctz(stops) >> 3);
    j += 8;
  }
  return j;
}

@inline function isIdentStart(c: u32): bool {
  return (c | 0x20) - 97 < 26 || c == 95 || c == 36;
}

/** Whether the name is an identifier (ASCII letters, `_`, `$`, then also digits): written `.name`. */
function isIdentName(ptr: usize, len: usize): bool {
  let ident = len > 0 && isIdentStart(<u32>load<u8>(ptr));
  for (let i: usize = 1; ident && i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    ident = isIdentStart(c) || c - 48 < 10;
  }
  return ident;
}

/** `.name` for identifier-like names, else `['name']` with `'` and `\` escaped. */
export function memberPath(ptr: usize, len: usize): string {
  const name = String.UTF8.decodeUnsafe(ptr, len);
  if (isIdentName(ptr, len)) return "." + name;
  return "['" + name.replaceAll("\\", "\\\\").replaceAll("'", "\\'") + "']";
}

/** The UTF-16 code units of s. */
export function appendUnits(out: ByteBuf, s: string): void {
  out.append(changetype<usize>(s), <usize>s.length << 1);
}

/** memberPath(ptr, len) as UTF-16 units: an identifier is ASCII, so its bytes are its units. */
export function appendMember(out: ByteBuf, ptr: usize, len: usize): void {
  if (!isIdentName(ptr, len)) {
    appendUnits(out, memberPath(ptr, len)); // rare: escaping and non-ASCII decoding as memberPath does them
    return;
  }
  if (out.len + ((len + 1) << 1) > out.cap) out.ensure(out.len + ((len + 1) << 1));
  const at = out.ptr + out.len;
  store<u16>(at, 46); // .
  for (let i: usize = 0; i < len; i++) store<u16>(at + ((i + 1) << 1), <u16>load<u8>(ptr + i));
  out.len += (len + 1) << 1;
}

/** memberPath(ptr, len) as UTF-8: an identifier is its own bytes after the `.`. */
function appendMemberBytes(out: ByteBuf, ptr: usize, len: usize): void {
  if (!isIdentName(ptr, len)) {
    appendString(out, memberPath(ptr, len)); // rare: escaping and non-ASCII decoding as memberPath does them
    return;
  }
  out.push(46); // .
  out.append(ptr, len);
}

/** `[i]` as UTF-8 (i.toString() without the string). */
function appendIndexBytes(out: ByteBuf, i: i32): void {
  out.push(91); // [
  if (i < 0) {
    appendString(out, i.toString()); // never in practice: an index counts commas of one body
  } else {
    let digits = 1;
    for (let v = i; v >= 10; v /= 10) digits++;
    if (out.len + <usize>digits > out.cap) out.ensure(out.len + <usize>digits);
    let v = i;
    for (let d = digits - 1; d >= 0; d--) {
      store<u8>(out.ptr + out.len + <usize>d, <u8>(48 + v % 10));
      v /= 10;
    }
    out.len += <usize>digits;
  }
  out.push(93); // ]
}
