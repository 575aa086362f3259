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

// @ts-ignore: decorator
@inline function mix(h: u64, v: u64): u64 {
  return (h ^ v) * 0x100000001b3; // FNV-1a step
}

/** Collects into one BodyShape; made per body, `seg` is scratch space lent by the caller. */
export class ShapeCollector {
  constructor(
    private seg: Segment,
    private shape: BodyShape,
    /** Most fields `shape` may hold. */
    private budget: i32,
  ) {}
  /** Path and path hash of each open container; bit k of `objects`: container k is an object. */
  private paths: Array<string> = [];
  private hashes: Array<u64> = [];
  private objects: u64 = 0;
  /** Hash of each listed (path, type): values are matched without building their path string. */
  private keys: Array<u64> = [];
  /** Raw bytes of the member being read at the innermost object, and their hash. */
  private body: usize = 0;
  private keyFrom: usize = 0;
  private keyTo: usize = 0;
  private keyHash: u64 = 0;
  /** Raw bytes of the last string value, decoded only when its field is new. */
  private valueFrom: usize = 0;
  private valueTo: usize = 0;
  /** Where `listed` starts looking. */
  private hint: i32 = 0;
  /** Path hash of the last value seen. */
  private lastHash: u64 = 0;

  /** Adds the fields of the JSON body [p, p+n). */
  json(p: usize, n: usize): void {
    this.body = p;
    let expectKey = false;
    let i: usize = 0;
    while (i < n) {
      const c = <u32>load<u8>(p + i);
      if (c == 123 || c == 91) {
        const path = this.child(c == 123 ? JSON_OBJECT : JSON_ARRAY);
        if (this.paths.length == MAX_DEPTH) return;
        if (c == 123) this.objects |= (<u64>1) << <u64>this.paths.length;
        else this.objects &= ~((<u64>1) << <u64>this.paths.length);
        this.paths.push(path);
        this.hashes.push(this.lastHash);
        expectKey = c == 123;
        i++;
      } else if (c == 125 || c == 93) {
        if (this.paths.length > 0) {
          this.paths.pop();
          this.hashes.pop();
        }
        expectKey = false;
        i++;
      } else if (c == 44) {
        expectKey = this.inObject();
        i++;
      } else if (c == 34) {
        let j = i + 1;
        while (j < n && load<u8>(p + j) != 34) j += load<u8>(p + j) == 92 ? 2 : 1;
        const to = j < n ? j : n;
        if (expectKey) {
          this.keyFrom = i + 1;
          this.keyTo = to;
          let h: u64 = 0;
          for (let k = i + 1; k < to; k++) h = mix(h, load<u8>(p + k));
          this.keyHash = h;
        } else {
          this.valueFrom = i + 1;
          this.valueTo = to;
          this.child(JSON_STRING);
        }
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
        if (c == 45 || c - 48 < 10 || type != JSON_INTEGER) this.child(type);
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
        let h: u64 = type;
        for (let k = 0; k < path.length; k++) h = mix(h, path.charCodeAt(k));
        if (this.listed(h) < 0) this.push(h, path, type);
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
  private child(type: u32): string {
    const d = this.paths.length;
    if (d == 0) {
      this.lastHash = 0;
      return "$";
    }
    const obj = this.inObject();
    const ph = mix(unchecked(this.hashes[d - 1]), obj ? this.keyHash : 91);
    this.lastHash = ph;
    const h = mix(ph, type);
    const k = this.listed(h);
    if (k >= 0) return this.shape.fields[k].path;
    if (this.shape.fields.length >= this.budget) {
      this.shape.fieldsDropped++;
      return "";
    }
    // Only now is the path spelled out (decoding the member name reuses `seg`, so format first).
    let format = "";
    if (type == JSON_STRING) {
      decodeJsonString(this.seg, this.body, this.valueFrom, this.valueTo);
      format = formatOf(this.seg.data, this.seg.n);
    }
    if (obj) decodeJsonString(this.seg, this.body, this.keyFrom, this.keyTo);
    const path = unchecked(this.paths[d - 1]) + (obj ? memberPath(this.seg.data, this.seg.n) : "[]");
    this.shape.fields.push(new FieldShape(path, type, format));
    this.keys.push(h);
    return path;
  }

  /** Index of hash h in `keys` or -1; starts after the last match, because the elements of an
   * array repeat their members in the same order. */
  private listed(h: u64): i32 {
    const n = this.keys.length;
    for (let j = 0; j < n; j++) {
      const k = (this.hint + j) % n;
      if (unchecked(this.keys[k]) == h) {
        this.hint = k + 1;
        return k;
      }
    }
    return -1;
  }

  /** Lists a form field; a string's format is read from `seg`, which holds the value. */
  private push(h: u64, path: string, type: u32): void {
    if (this.shape.fields.length >= this.budget) this.shape.fieldsDropped++;
    else {
      this.shape.fields.push(new FieldShape(path, type, type == JSON_STRING ? formatOf(this.seg.data, this.seg.n) : ""));
      this.keys.push(h);
    }
  }
}
