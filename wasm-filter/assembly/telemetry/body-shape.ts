// BodyShape.fields for inspected JSON and form bodies. JSON: the structure events of the scanner's
// own walk (detect/json-visitor.ts), so the body is tokenized once; a standalone walk only when the
// scanner skipped the body (finding limit reached). Paths use `[]` for array elements; each
// (path, type) is listed once, with the format of its first string value. Lenient like the
// scanner: malformed or truncated JSON yields the fields seen so far and never traps. Field names,
// types and formats only.
import { decodeForm } from "../detect/decode";
import { JsonVisitor } from "../detect/json-visitor";
import { appendMember, appendUnits, JsonWalker, memberPath } from "../detect/json-walker";
import { ByteBuf, PathSource, Segment, SegmentSink } from "../detect/segment";
import { BodyShape, FieldShape, JSON_ARRAY, JSON_BOOLEAN, JSON_INTEGER, JSON_NULL, JSON_NUMBER, JSON_OBJECT, JSON_STRING } from "./event";
import { formatOf } from "./format";
import { valueType } from "./params";

// @ts-ignore: decorator
@inline const MAX_DEPTH: i32 = 32;
/** Most fields one body lists (exchange.ts MAX_SHAPE_FIELDS is the budget of both bodies). */
// @ts-ignore: decorator
@inline const MAX_FIELDS: i32 = 64;
// @ts-ignore: decorator
@inline const SLOTS: i32 = 128; // a power of two, at least 2 × MAX_FIELDS

// @ts-ignore: decorator
@inline function mix(h: u64, v: u64): u64 {
  return (h ^ v) * 0x100000001b3; // FNV-1a step
}

/** Value segments are not wanted when only the structure is (the standalone walk). */
class IgnoreSegments extends SegmentSink {
  onSegment(seg: Segment, paths: PathSource): void {}
}
let standaloneWalker: JsonWalker | null = null;
let ignoreSegments: IgnoreSegments | null = null;

// The tables of the collector at work, shared: one body is collected at a time (callbacks never
// nest) and a new collector would otherwise allocate and zero them for every body. A slot is in
// use only when its stamp is the current collector's, so nothing needs clearing between bodies.
const openPaths = new StaticArray<string | null>(MAX_DEPTH);
const openHashes = new StaticArray<u64>(MAX_DEPTH);
const slotHash = new StaticArray<u64>(SLOTS);
const slotField = new StaticArray<i32>(SLOTS);
const slotStamp = new StaticArray<u32>(SLOTS);
let stamp: u32 = 0;
/** UTF-16 code units of a field path being spelled (one string allocation per listed field). */
const pathUnits = new ByteBuf();

/** Collects into one BodyShape; made per body, `seg` is scratch space lent by the caller. */
export class ShapeCollector extends JsonVisitor {
  constructor(
    private seg: Segment,
    private shape: BodyShape,
    /** Most fields `shape` may hold (at most MAX_FIELDS more than it has). */
    private budget: i32,
  ) {
    super();
    // The slot table holds this collector's fields only; bounding them keeps a free slot.
    this.budget = min(budget, shape.fields.length + MAX_FIELDS);
    stamp++;
    if (stamp == 0) {
      // Wrapped after 2^32 bodies: stamps of long ago could pass for current ones.
      memory.fill(changetype<usize>(slotStamp), 0, <usize>SLOTS << 2);
      stamp = 1;
    }
    this.stamp = stamp;
  }
  /** This collector's slot stamp. */
  private stamp: u32 = 0;
  // Path and path hash of each open container are in openPaths / openHashes (module level);
  // bit k of `objects`: container k is an object.
  private depth: i32 = 0;
  private objects: u64 = 0;
  // Listed (path, type) hashes → field index are in slotHash / slotField where slotStamp is
  // this.stamp (else free), open addressing: values are matched without building their path
  // string, in one or two probes. At most MAX_FIELDS entries.
  /** Decoded member name last read (owned by the walker) and its hash. */
  private keyPtr: usize = 0;
  private keyLen: usize = 0;
  private keyHash: u64 = 0;
  /** Decoded string value being listed (owned by the walker). */
  private valuePtr: usize = 0;
  private valueLen: usize = 0;
  /** Path hash of the last value seen. */
  private lastHash: u64 = 0;
  /** Past MAX_DEPTH: the rest of the body adds nothing. */
  private stopped: bool = false;
  /** Some event arrived: the scanner walked the body. */
  private seen: bool = false;

  /** Adds the fields of the JSON body [p, p+n) unless the scanner's walk already reported them. */
  json(p: usize, n: usize): void {
    if (this.seen) return;
    if (standaloneWalker === null) {
      standaloneWalker = new JsonWalker();
      ignoreSegments = new IgnoreSegments();
    }
    standaloneWalker!.walk(p, n, this.seg, ignoreSegments!, this);
  }

  open(isObject: bool): void {
    this.seen = true;
    if (this.stopped) return;
    const d = this.depth;
    let path = "$";
    if (d == 0) this.lastHash = 0;
    else {
      const k = this.record(isObject ? JSON_OBJECT : JSON_ARRAY);
      path = k >= 0 ? this.shape.fields[k].path : ""; // "": dropped, and so are its members
    }
    if (d == MAX_DEPTH) {
      this.stopped = true;
      return;
    }
    if (isObject) this.objects |= (<u64>1) << <u64>d;
    else this.objects &= ~((<u64>1) << <u64>d);
    unchecked((openPaths[d] = path)); // d < MAX_DEPTH, checked above
    unchecked((openHashes[d] = this.lastHash));
    this.depth = d + 1;
  }

  close(): void {
    this.seen = true;
    if (this.stopped || this.depth == 0) return;
    this.depth--;
  }

  key(ptr: usize, n: usize): void {
    this.seen = true;
    this.keyPtr = ptr;
    this.keyLen = n;
    let h: u64 = 0;
    for (let k: usize = 0; k < n; k++) h = mix(h, load<u8>(ptr + k));
    this.keyHash = h;
  }

  string(ptr: usize, n: usize): void {
    this.seen = true;
    if (this.stopped) return;
    this.valuePtr = ptr;
    this.valueLen = n;
    if (this.depth > 0) this.record(JSON_STRING);
  }

  word(ptr: usize, n: usize): void {
    this.seen = true;
    if (this.stopped || n == 0) return;
    const c = <u32>load<u8>(ptr);
    let type = c == 116 || c == 102 ? JSON_BOOLEAN : c == 110 ? JSON_NULL : JSON_INTEGER;
    if (type == JSON_INTEGER) {
      if (c != 45 && c - 48 >= 10) return; // not a value JSON could hold
      for (let j: usize = 1; j < n; j++) {
        const b = <u32>load<u8>(ptr + j);
        if (b == 46 || (b | 0x20) == 101) {
          type = JSON_NUMBER;
          break;
        }
      }
    }
    if (this.depth > 0) this.record(type);
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

  /**
   * Lists the value of `type` at the current position (inside a container) unless it already is;
   * returns its field index, or -1 when the budget dropped it.
   */
  private record(type: u32): i32 {
    const d = this.depth; // > 0
    const obj = ((this.objects >> <u64>(d - 1)) & 1) != 0;
    const ph = mix(unchecked(openHashes[d - 1]), obj ? this.keyHash : 91);
    this.lastHash = ph;
    const h = mix(ph, type);
    const k = this.listed(h);
    if (k >= 0) return k;
    const fields = this.shape.fields;
    if (fields.length >= this.budget) {
      this.shape.fieldsDropped++;
      return -1;
    }
    // Only now is the path spelled out.
    const format = type == JSON_STRING ? formatOf(this.valuePtr, this.valueLen) : "";
    const parent = changetype<string>(unchecked(openPaths[d - 1])); // set when level d - 1 opened
    // parent + (obj ? memberPath(key) : "[]"), spelled into pathUnits and made a string once.
    pathUnits.len = 0;
    pathUnits.append(changetype<usize>(parent), <usize>parent.length << 1);
    if (obj) appendMember(pathUnits, this.keyPtr, this.keyLen);
    else appendUnits(pathUnits, "[]");
    this.list(h, String.UTF16.decodeUnsafe(pathUnits.ptr, pathUnits.len), type, format);
    return fields.length - 1;
  }

  /** Index in shape.fields of the field with hash h, or -1. */
  private listed(h: u64): i32 {
    // SLOTS is a power of two over twice the most entries, so a free slot always ends the probe.
    const mine = this.stamp;
    let s = <i32>(h ^ (h >> 32)) & (SLOTS - 1);
    while (unchecked(slotStamp[s]) == mine) {
      if (unchecked(slotHash[s]) == h) return unchecked(slotField[s]);
      s = (s + 1) & (SLOTS - 1);
    }
    return -1;
  }

  /** Adds a field (under the budget, checked by the caller) and its hash. */
  private list(h: u64, path: string, type: u32, format: string): void {
    const fields = this.shape.fields;
    fields.push(new FieldShape(path, type, format));
    const mine = this.stamp;
    let s = <i32>(h ^ (h >> 32)) & (SLOTS - 1);
    while (unchecked(slotStamp[s]) == mine) s = (s + 1) & (SLOTS - 1);
    unchecked((slotHash[s] = h));
    unchecked((slotField[s] = fields.length - 1));
    unchecked((slotStamp[s] = mine));
  }

  /** Lists a form field; a string's format is read from `seg`, which holds the value. */
  private push(h: u64, path: string, type: u32): void {
    if (this.shape.fields.length >= this.budget) this.shape.fieldsDropped++;
    else this.list(h, path, type, type == JSON_STRING ? formatOf(this.seg.data, this.seg.n) : "");
  }
}
