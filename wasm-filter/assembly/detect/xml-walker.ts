// The XML walk of docs/detectors.md §2 "XML": text, CDATA and attribute values become segments
// under the element path. Not a validating parser: it only needs to know where values are, and
// it stops quietly at an unterminated construct.
import { decodeXml } from "./decode";
import { appendText, ByteBuf, PathSource, Segment, SegmentSink } from "./segment";

@inline const SLASH: u8 = 47;
@inline const AT: u8 = 64;

@inline const MAX_DEPTH: i32 = 64;

@inline function isSpace(c: u32): bool {
  return c == 32 || c == 9 || c == 13 || c == 10;
}

/** Index of the first occurrence of ASCII `s` in [from, len), or -1. */
function indexOf(field: usize, from: usize, len: usize, s: string): isize {
  const m = <usize>s.length;
  const first = <u8>s.charCodeAt(0);
  for (let i = from; i + m <= len; i++) {
    if (load<u8>(field + i) != first) continue;
    let k: usize = 1;
    while (k < m && <i32>load<u8>(field + i + k) == s.charCodeAt(<i32>k)) k++;
    if (k == m) return <isize>i;
  }
  return -1;
}

function startsWith(field: usize, i: usize, len: usize, s: string): bool {
  const m = <usize>s.length;
  if (i + m > len) return false;
  for (let k: usize = 0; k < m; k++) if (<i32>load<u8>(field + i + k) != s.charCodeAt(<i32>k)) return false;
  return true;
}

export class XmlWalker extends PathSource {
  private nameStart: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH);
  private nameLen: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH);
  /** Elements open, including those deeper than MAX_DEPTH that were not pushed. */
  private depth: i32 = 0;
  private field: usize = 0;
  /** Set while reporting an attribute: its element (not yet pushed) and name. */
  private attrElemStart: usize = 0;
  private attrElemLen: usize = 0;
  private attrNameStart: usize = 0;
  private attrNameLen: usize = 0;
  private inAttr: bool = false;

  @inline private get pushed(): i32 {
    return min(this.depth, MAX_DEPTH);
  }

  hasPath(): bool {
    return this.inAttr || this.pushed > 0;
  }

  spellPath(out: ByteBuf): void {
    out.len = 0;
    for (let k = 0; k < this.pushed; k++) {
      out.push(SLASH);
      appendText(out, this.field + this.nameStart[k], this.nameLen[k]);
    }
    if (this.inAttr) {
      if (this.depth < MAX_DEPTH) {
        out.push(SLASH);
        appendText(out, this.field + this.attrElemStart, this.attrElemLen);
      }
      out.push(SLASH);
      out.push(AT);
      appendText(out, this.field + this.attrNameStart, this.attrNameLen);
    }
  }

  /** Key of text: the current element's local name (after the last `:`), or empty at the top. */
  private setTextKey(seg: Segment): void {
    const top = this.pushed - 1;
    if (top < 0) {
      seg.keyLen = 0;
      return;
    }
    let s = this.nameStart[top];
    const e = s + this.nameLen[top];
    for (let i = s; i < e; i++) if (load<u8>(this.field + i) == 58) s = i + 1;
    seg.keyPtr = this.field + s;
    seg.keyLen = e - s;
  }

  walk(field: usize, len: usize, seg: Segment, sink: SegmentSink): void {
    this.field = field;
    this.depth = 0;
    this.inAttr = false;
    let i: usize = 0;
    let textFrom: usize = 0;
    while (i < len) {
      if (load<u8>(field + i) != 60) {
        i++;
        continue;
      }
      // A `<`: does it start a construct? If so the text before it ends here.
      const next = i + 1 < len ? <u32>load<u8>(field + i + 1) : 0;
      const isConstruct = next == 33 || next == 63 || next == 47 || (next | 0x20) - 97 < 26 || next == 95 || next == 58;
      if (!isConstruct) {
        i++;
        continue;
      }
      this.text(field, textFrom, i, seg, sink);
      let end: isize;
      if (startsWith(field, i, len, "<!--")) {
        end = indexOf(field, i + 4, len, "-->");
        if (end < 0) return;
        i = <usize>end + 3;
      } else if (startsWith(field, i, len, "<![CDATA[")) {
        end = indexOf(field, i + 9, len, "]]>");
        if (end < 0) return;
        seg.setIdentity(field, i + 9, <usize>end - (i + 9));
        this.setTextKey(seg);
        if (seg.n > 0) sink.onSegment(seg, this);
        i = <usize>end + 3;
      } else if (next == 63) {
        end = indexOf(field, i + 2, len, "?>");
        if (end < 0) return;
        i = <usize>end + 2;
      } else if (next == 33) {
        end = indexOf(field, i + 2, len, ">");
        if (end < 0) return;
        i = <usize>end + 1;
      } else if (next == 47) {
        end = indexOf(field, i + 2, len, ">");
        if (end < 0) return;
        if (this.depth > 0) this.depth--;
        i = <usize>end + 1;
      } else {
        const after = this.startTag(field, i + 1, len, seg, sink);
        if (after == 0) return;
        i = after;
      }
      textFrom = i;
    }
    this.text(field, textFrom, len, seg, sink);
  }

  /** Text [from, to) between constructs: a segment unless only spaces, tabs, CR and LF. */
  private text(field: usize, from: usize, to: usize, seg: Segment, sink: SegmentSink): void {
    let blank = true;
    for (let k = from; k < to && blank; k++) blank = isSpace(<u32>load<u8>(field + k));
    if (blank) return;
    decodeXml(seg, field, from, to);
    this.setTextKey(seg);
    sink.onSegment(seg, this);
  }

  /** Parses a start tag whose name begins at i; returns the index after `>`, or 0 if unterminated. */
  private startTag(field: usize, i: usize, len: usize, seg: Segment, sink: SegmentSink): usize {
    const nameFrom = i;
    while (i < len) {
      const c = <u32>load<u8>(field + i);
      if (isSpace(c) || c == 47 || c == 62) break;
      i++;
    }
    this.attrElemStart = nameFrom;
    this.attrElemLen = i - nameFrom;
    while (i < len) {
      const c = <u32>load<u8>(field + i);
      if (isSpace(c)) {
        i++;
      } else if (c == 62) {
        this.push(nameFrom, this.attrElemLen);
        return i + 1;
      } else if (c == 47 && i + 1 < len && load<u8>(field + i + 1) == 62) {
        return i + 2; // empty element: not pushed
      } else if (c == 47) {
        i++;
      } else {
        const attrFrom = i;
        while (i < len) {
          const a = <u32>load<u8>(field + i);
          if (isSpace(a) || a == 61 || a == 47 || a == 62) break;
          i++;
        }
        const attrLen = i - attrFrom;
        while (i < len && isSpace(<u32>load<u8>(field + i))) i++;
        if (i >= len || load<u8>(field + i) != 61) continue;
        i++;
        while (i < len && isSpace(<u32>load<u8>(field + i))) i++;
        if (i >= len) return 0;
        const q = load<u8>(field + i);
        if (q != 34 && q != 39) {
          while (i < len && !isSpace(<u32>load<u8>(field + i)) && load<u8>(field + i) != 62) i++;
          continue;
        }
        const valueFrom = i + 1;
        let j = valueFrom;
        while (j < len && load<u8>(field + j) != q) j++;
        if (j >= len) return 0;
        if (j > valueFrom) {
          decodeXml(seg, field, valueFrom, j);
          seg.keyPtr = field + attrFrom;
          seg.keyLen = attrLen;
          this.attrNameStart = attrFrom;
          this.attrNameLen = attrLen;
          this.inAttr = true;
          sink.onSegment(seg, this);
          this.inAttr = false;
        }
        i = j + 1;
      }
    }
    return 0;
  }

  private push(from: usize, n: usize): void {
    if (this.depth < MAX_DEPTH) {
      unchecked((this.nameStart[this.depth] = from)); // depth < MAX_DEPTH just checked
      unchecked((this.nameLen[this.depth] = n));
    }
    this.depth++;
  }
}
