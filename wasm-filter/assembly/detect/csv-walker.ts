// CSV bodies (docs/detectors.md §2 "CSV"): records end at LF, cells at `,`; quoted cells may hold
// `,` and LF, with `""` standing for `"`. The first record names the columns; every later
// non-empty cell is a segment whose key and path are its column's name.
import { appendText, ByteBuf, PathSource, Segment, SegmentSink } from "./segment";

@inline const QUOTE: u8 = 34;
@inline const COMMA: u8 = 44;
@inline const LF: u8 = 10;
@inline const CR: u8 = 13;

export class CsvWalker extends PathSource {
  /** Decoded header cells back to back; column c is names[nameEnds[c-1] (or 0), nameEnds[c]). */
  private names: ByteBuf = new ByteBuf();
  private nameEnds: Array<u32> = new Array<u32>();
  /** Column of the segment being reported. */
  private column: i32 = 0;
  /** Set by cell(): where the next cell starts and whether the record ended with this cell. */
  private next: usize = 0;
  private recordEnds: bool = false;

  hasPath(): bool {
    return this.nameLength(this.column) > 0;
  }

  spellPath(out: ByteBuf): void {
    out.len = 0;
    appendText(out, this.names.ptr + <usize>this.nameStart(this.column), <usize>this.nameLength(this.column));
  }

  walk(field: usize, len: usize, seg: Segment, sink: SegmentSink): void {
    this.names.len = 0;
    this.nameEnds.length = 0;
    let header = true;
    let column = 0;
    let i: usize = 0;
    while (i < len) {
      this.cell(field, i, len, seg);
      if (header) {
        this.names.append(seg.data, seg.n);
        this.nameEnds.push(<u32>this.names.len);
      } else if (seg.n > 0) {
        this.column = column;
        seg.keyPtr = this.names.ptr + <usize>this.nameStart(column);
        seg.keyLen = <usize>this.nameLength(column);
        sink.onSegment(seg, this);
      }
      column++;
      if (this.recordEnds) {
        column = 0;
        header = false;
      }
      i = this.next;
    }
  }

  private nameStart(c: i32): u32 {
    return c == 0 || c > this.nameEnds.length ? 0 : this.nameEnds[c - 1];
  }

  /** Length of column c's name; 0 for columns beyond the header. */
  private nameLength(c: i32): u32 {
    return c < this.nameEnds.length ? this.nameEnds[c] - this.nameStart(c) : 0;
  }

  /** Decodes the cell starting at `at` into seg; sets next and recordEnds. */
  private cell(field: usize, at: usize, len: usize, seg: Segment): void {
    let i = at;
    if (i < len && load<u8>(field + i) == QUOTE) {
      const from = i + 1;
      let close = len;
      let doubled = false;
      i = from;
      while (i < len) {
        if (load<u8>(field + i) != QUOTE) {
          i++;
          continue;
        }
        if (i + 1 < len && load<u8>(field + i + 1) == QUOTE) {
          doubled = true;
          i += 2;
          continue;
        }
        close = i;
        break;
      }
      if (doubled) this.unquote(field, from, close, seg);
      else seg.setIdentity(field, from, close - from);
      i = close < len ? close + 1 : len;
      // Bytes after the closing quote up to the cell's end are not part of the value.
      while (i < len && load<u8>(field + i) != COMMA && load<u8>(field + i) != LF) i++;
    } else {
      while (i < len && load<u8>(field + i) != COMMA && load<u8>(field + i) != LF) i++;
      let end = i;
      // A CR before the LF (or the end of the body) belongs to the line break, not to the cell.
      if (end > at && load<u8>(field + end - 1) == CR && (i >= len || load<u8>(field + i) == LF)) end--;
      seg.setIdentity(field, at, end - at);
    }
    if (i >= len) {
      this.next = len;
      this.recordEnds = true;
    } else {
      this.next = i + 1;
      this.recordEnds = load<u8>(field + i) == LF;
    }
  }

  /** Quoted cell contents [from, to) with `""` decoded to `"` (span 2). */
  private unquote(field: usize, from: usize, to: usize, seg: Segment): void {
    seg.beginDecoded(to - from);
    let k = from;
    while (k < to) {
      const c = load<u8>(field + k);
      if (c == QUOTE && k + 1 < to && load<u8>(field + k + 1) == QUOTE) {
        seg.put(QUOTE, <u32>k, <u32>(k + 2));
        k += 2;
      } else {
        seg.put(c, <u32>k, <u32>(k + 1));
        k++;
      }
    }
    seg.endDecoded();
  }
}
