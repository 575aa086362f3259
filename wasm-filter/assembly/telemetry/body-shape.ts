// BodyShape.fields for inspected JSON and form bodies: a light second pass over the bytes the
// scanner already read (the scanner's walker only reports strings and numbers, the shape also needs
// objects, arrays, booleans and nulls). Paths use `[]` for array elements; each (path, type) is
// listed once, with the format of its first string value. Lenient like the scanner: malformed or
// truncated JSON yields the fields seen so far and never traps. Field names, types and formats only.
import { decodeForm, decodeJsonString } from "../detect/decode";
import { memberPath } from "../detect/json-walker";
import { Segment } from "../detect/segment";
import { BodyShape, FieldShape, JSON_ARRAY, JSON_BOOLEAN, JSON_INTEGER, JSON_NULL, JSON_NUMBER, JSON_OBJECT, JSON_STRING } from "./event";
import { formatOf } from "./format";
import { valueType } from "./params";

// @ts-ignore: decorator
@inline const MAX_DEPTH: i32 = 32;

/** Collects into one BodyShape; made per body, `seg` is scratch space lent by the caller. */
export class ShapeCollector {
  constructor(
    private seg: Segment,
    private shape: BodyShape,
    /** Most fields `shape` may hold. */
    private budget: i32,
  ) {}
  /** Path of each open container; bit k of `objects` says whether container k is an object. */
  private paths: Array<string> = [];
  private objects: u64 = 0;
  /** `.name` of the member being read at the innermost object. */
  private member: string = "";

  /** Adds the fields of the JSON body [p, p+n). */
  json(p: usize, n: usize): void {
    let expectKey = false;
    let i: usize = 0;
    while (i < n) {
      const c = <u32>load<u8>(p + i);
      if (c == 123 || c == 91) {
        const path = this.child(c == 123 ? JSON_OBJECT : JSON_ARRAY, "");
        if (this.paths.length == MAX_DEPTH) return;
        if (c == 123) this.objects |= (<u64>1) << <u64>this.paths.length;
        else this.objects &= ~((<u64>1) << <u64>this.paths.length);
        this.paths.push(path);
        expectKey = c == 123;
        i++;
      } else if (c == 125 || c == 93) {
        if (this.paths.length > 0) this.paths.pop();
        expectKey = false;
        i++;
      } else if (c == 44) {
        expectKey = this.inObject();
        i++;
      } else if (c == 34) {
        let j = i + 1;
        while (j < n && load<u8>(p + j) != 34) j += load<u8>(p + j) == 92 ? 2 : 1;
        const to = j < n ? j : n;
        decodeJsonString(this.seg, p, i + 1, to);
        if (expectKey) this.member = memberPath(this.seg.data, this.seg.n);
        else this.child(JSON_STRING, formatOf(this.seg.data, this.seg.n));
        expectKey = false;
        i = to + 1;
      } else if (c == 58 || c == 32 || c == 9 || c == 10 || c == 13) {
        i++;
      } else {
        let type = c == 116 || c == 102 ? JSON_BOOLEAN : c == 110 ? JSON_NULL : JSON_INTEGER;
        let j = i;
        for (; j < n; j++) {
          const b = <u32>load<u8>(p + j);
          if (b == 44 || b == 125 || b == 93 || b == 32 || b == 10 || b == 13 || b == 9) break;
          if ((b == 46 || (b | 0x20) == 101) && type == JSON_INTEGER) type = JSON_NUMBER;
        }
        if (c == 45 || c - 48 < 10 || type != JSON_INTEGER) this.child(type, "");
        i = j > i ? j : i + 1;
      }
    }
  }

  /** `$.<name>` fields of an urlencoded form body [p, p+n). */
  form(p: usize, n: usize): void {
    let from: usize = 0;
    for (let i: usize = 0; i <= n; i++) {
      if (i < n && load<u8>(p + i) != 38) continue;
      let eq = from;
      while (eq < i && load<u8>(p + eq) != 61) eq++;
      decodeForm(this.seg, p, from, eq);
      if (this.seg.n > 0) {
        const path = "$" + memberPath(this.seg.data, this.seg.n);
        decodeForm(this.seg, p, eq < i ? eq + 1 : i, i);
        const type = valueType(String.UTF8.decodeUnsafe(this.seg.data, this.seg.n));
        this.add(path, type, type == JSON_STRING ? formatOf(this.seg.data, this.seg.n) : "");
      }
      from = i + 1;
    }
  }

  /** Is the innermost open container an object? */
  private inObject(): bool {
    const d = this.paths.length;
    return d > 0 && ((this.objects >> (d - 1)) & 1) != 0;
  }

  /** Records a value at the current position (not the top-level value); returns its path. */
  private child(type: u32, format: string): string {
    const d = this.paths.length;
    if (d == 0) return "$";
    const path = this.paths[d - 1] + (this.inObject() ? this.member : "[]");
    this.add(path, type, format);
    return path;
  }

  private add(path: string, type: u32, format: string): void {
    const fields = this.shape.fields;
    for (let k = 0; k < fields.length; k++) if (fields[k].type == type && fields[k].path == path) return;
    if (fields.length >= this.budget) this.shape.fieldsDropped++;
    else fields.push(new FieldShape(path, type, format));
  }
}
