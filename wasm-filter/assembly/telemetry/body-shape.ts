// BodyShape.fields for inspected JSON and form bodies. JSON: the structure events of the scanner's
// own walk (detect/json-visitor.ts), so the body is tokenized once; a standalone walk only when the
// scanner skipped the body (finding limit reached). Paths use `[]` for array elements; each
// (path, type) is listed once, with the format of its first string value. Lenient like the
// scanner: malformed or truncated JSON yields the fields seen so far and never traps. Field names,
// types and formats, and the keyed hash of a field's first token-like value (value-hash.ts).
//
// Speed: the callbacks run once per JSON token, inside the scanner's walk. Their state is plain
// module globals and raw static memory, not fields of the collector: a load through an object per
// token cost more than the hashing itself (and, under the incremental runtime of the time, every
// reference held across a call paid a shadow-stack frame). Objects are touched only when a field
// is listed for the first time in a body (field-intern.ts then reuses the FieldShape of an
// earlier exchange, so repeated bodies build no strings).
import { decodeForm } from "../detect/decode";
import { JsonVisitor } from "../detect/json-visitor";
import { appendMember, appendUnits, JsonWalker, memberPath } from "../detect/json-walker";
import { ByteBuf, PathSource, Segment, SegmentSink } from "../detect/segment";
import { BodyShape, FieldShape, JSON_ARRAY, JSON_BOOLEAN, JSON_INTEGER, JSON_NULL, JSON_NUMBER, JSON_OBJECT, JSON_STRING } from "./event";
import { internedField, internField } from "./field-intern";
import { formatOf } from "./format";
import { valueTypeAt } from "./params";
import { releasedValue, valueHashOf } from "./value-hash";

// @ts-ignore: decorator
@inline const MAX_DEPTH: i32 = 32;
/** Most fields one body lists (exchange.ts MAX_SHAPE_FIELDS is the budget of both bodies). */
// @ts-ignore: decorator
@inline const MAX_FIELDS: i32 = 64;
// @ts-ignore: decorator
@inline const SLOTS: i32 = 128; // a power of two, at least 2 × MAX_FIELDS
/** openField entry of the root container, whose path is `$`. */
// @ts-ignore: decorator
@inline const ROOT: i32 = -1;
/** openField entry of a container the budget dropped: its members get the path "" + member. */
// @ts-ignore: decorator
@inline const DROPPED: i32 = -2;

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

// The state of the collector at work (one body is collected at a time: callbacks never nest).
// Per open container k < depth: its path hash and its field index (ROOT, DROPPED or an index in
// current.shape.fields); bit k of `objects`: container k is an object.
const openHashes: usize = memory.data(MAX_DEPTH << 3);
const openFields: usize = memory.data(MAX_DEPTH << 2);
// Listed (path, type) hashes → field index, open addressing; a slot is in use only when its stamp
// is the current collector's, so nothing needs clearing between bodies. At most MAX_FIELDS entries.
const slotHash: usize = memory.data(SLOTS << 3);
const slotField: usize = memory.data(SLOTS << 2);
const slotStamp: usize = memory.data(SLOTS << 2);
let stamp: u32 = 0;
let depth: i32 = 0;
let objects: u64 = 0;
/** Decoded member name last read (owned by the walker) and its hash. */
let keyPtr: usize = 0;
let keyLen: usize = 0;
let keyHash: u64 = 0;
/** Decoded string value being listed (owned by the walker). */
let valuePtr: usize = 0;
let valueLen: usize = 0;
/** Path hash of the last value seen. */
let lastHash: u64 = 0;
/** Past MAX_DEPTH: the rest of the body adds nothing. */
let stopped: bool = false;
/** Some event arrived: the scanner walked the body. */
let seen: bool = false;
/** Fields listed in current.shape (its length, mirrored so the hot path reads no object). */
let listedCount: i32 = 0;
let budget: i32 = 0;
let current: ShapeCollector | null = null;
/** UTF-16 code units of a field path being spelled. */
const pathUnits = new ByteBuf();

/** Collects into one BodyShape; made per body, `seg` is scratch space lent by the caller. */
export class ShapeCollector extends JsonVisitor {
  constructor(
    private seg: Segment,
    public shape: BodyShape,
    /** Most fields `shape` may hold (at most MAX_FIELDS more than it has). */
    fieldBudget: i32,
  ) {
    super();
    // The slot table holds this collector's fields only; bounding them keeps a free slot.
    budget = min(fieldBudget, shape.fields.length + MAX_FIELDS);
    listedCount = shape.fields.length;
    stamp++;
    if (stamp == 0) {
      // Wrapped after 2^32 bodies: stamps of long ago could pass for current ones.
      memory.fill(slotStamp, 0, <usize>SLOTS << 2);
      stamp = 1;
    }
    depth = 0;
    objects = 0;
    keyPtr = 0;
    keyLen = 0;
    keyHash = 0;
    valuePtr = 0;
    valueLen = 0;
    lastHash = 0;
    stopped = false;
    seen = false;
    current = this;
  }

  /** Adds the fields of the JSON body [p, p+n) unless the scanner's walk already reported them. */
  json(p: usize, n: usize): void {
    if (seen) return;
    if (standaloneWalker === null) {
      standaloneWalker = new JsonWalker();
      ignoreSegments = new IgnoreSegments();
    }
    standaloneWalker!.walk(p, n, this.seg, ignoreSegments!, this);
  }

  open(isObject: bool): void {
    seen = true;
    if (stopped) return;
    const d = depth;
    let field = ROOT;
    if (d == 0) lastHash = 0;
    else {
      const k = record(isObject ? JSON_OBJECT : JSON_ARRAY);
      field = k >= 0 ? k : DROPPED; // dropped, and so are its members
    }
    if (d == MAX_DEPTH) {
      stopped = true;
      return;
    }
    if (isObject) objects |= (<u64>1) << <u64>d;
    else objects &= ~((<u64>1) << <u64>d);
    store<i32>(openFields + (<usize>d << 2), field); // d < MAX_DEPTH, checked above
    store<u64>(openHashes + (<usize>d << 3), lastHash);
    depth = d + 1;
  }

  close(): void {
    seen = true;
    if (stopped || depth == 0) return;
    depth--;
  }

  key(ptr: usize, n: usize): void {
    seen = true;
    keyPtr = ptr;
    keyLen = n;
    let h: u64 = 0;
    for (let k: usize = 0; k < n; k++) h = mix(h, load<u8>(ptr + k));
    keyHash = h;
  }

  string(ptr: usize, n: usize): void {
    seen = true;
    if (stopped) return;
    valuePtr = ptr;
    valueLen = n;
    if (depth > 0) record(JSON_STRING);
  }

  word(ptr: usize, n: usize): void {
    seen = true;
    if (stopped || n == 0) return;
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
    if (depth > 0) record(type);
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
        const type = valueTypeAt(this.seg.data, this.seg.n);
        let h: u64 = type;
        for (let k = 0; k < path.length; k++) h = mix(h, path.charCodeAt(k));
        if (listed(h) < 0) {
          if (listedCount >= budget) dropField();
          else {
            const format = type == JSON_STRING ? formatOf(this.seg.data, this.seg.n) : "";
            list(h, new FieldShape(path, type, format));
            if (type == JSON_STRING && format.length == 0) noteValue(path, this.seg.data, this.seg.n);
          }
        }
      }
      from = i + 1;
    }
  }
}

/**
 * Lists the value of `type` at the current position (inside a container) unless it already is;
 * returns its field index, or -1 when the budget dropped it. Inlined into the walk, like the
 * callbacks that call it: it runs once per value, and the call cost about as much as its lookup.
 */
// @ts-ignore: decorator
@inline function record(type: u32): i32 {
  const d = depth; // > 0
  const obj = ((objects >> <u64>(d - 1)) & 1) != 0;
  const ph = mix(load<u64>(openHashes + (<usize>(d - 1) << 3)), obj ? keyHash : 91);
  lastHash = ph;
  const h = mix(ph, type);
  const k = listed(h);
  if (k >= 0) return k;
  if (listedCount >= budget) {
    dropField();
    return -1;
  }
  return listNew(h, type, load<i32>(openFields + (<usize>(d - 1) << 2)), obj);
}

/**
 * The first value of a (path, type) in this body: the FieldShape an earlier exchange listed for
 * the same field when there is one (same parent field, member, type and format), else a new one.
 */
function listNew(h: u64, type: u32, parentField: i32, obj: bool): i32 {
  const fields = current!.shape.fields;
  const format = type == JSON_STRING ? formatOf(valuePtr, valueLen) : "";
  const parent: FieldShape | null = parentField >= 0 ? fields[parentField] : null;
  let field: FieldShape | null = null;
  // A dropped container has no FieldShape to stand for its path: its members are never interned.
  if (parentField != DROPPED) {
    pathUnits.len = 0;
    appendMemberUnits(obj);
    field = internedField(h, parent, type, format, pathUnits.ptr, pathUnits.len);
  }
  if (field === null) {
    // parent path + member, spelled into pathUnits and made a string once.
    const prefix = parent !== null ? parent.path : parentField == ROOT ? "$" : "";
    pathUnits.len = 0;
    appendUnits(pathUnits, prefix);
    appendMemberUnits(obj);
    field = new FieldShape(String.UTF16.decodeUnsafe(pathUnits.ptr, pathUnits.len), type, format);
    if (parentField != DROPPED) internField(h, parent, field);
  }
  list(h, field);
  if (type == JSON_STRING && format.length == 0) noteValue(field.path, valuePtr, valueLen);
  return listedCount - 1;
}

/** The value hash (and released value) of the field listed last, whose first value is [p, p+n). */
function noteValue(path: string, p: usize, n: usize): void {
  const h = valueHashOf(path, p, n);
  if (h != 0) current!.shape.addValue(listedCount - 1, h, releasedValue);
}

/** `.name`, `['name']` (the current member) or `[]` as UTF-16 units. */
function appendMemberUnits(obj: bool): void {
  if (obj) appendMember(pathUnits, keyPtr, keyLen);
  else appendUnits(pathUnits, "[]");
}

/** Counts a field the budget left out (apart from record(), which so touches no object). */
function dropField(): void {
  current!.shape.fieldsDropped++;
}

/** Index in the shape's fields of the field with hash h, or -1. */
// @ts-ignore: decorator
@inline function listed(h: u64): i32 {
  // SLOTS is a power of two over twice the most entries, so a free slot always ends the probe.
  const mine = stamp;
  let s = <usize>(<i32>(h ^ (h >> 32)) & (SLOTS - 1));
  while (load<u32>(slotStamp + (s << 2)) == mine) {
    if (load<u64>(slotHash + (s << 3)) == h) return load<i32>(slotField + (s << 2));
    s = (s + 1) & (SLOTS - 1);
  }
  return -1;
}

/** Adds a field (under the budget, checked by the caller) and its hash. */
function list(h: u64, field: FieldShape): void {
  current!.shape.fields.push(field);
  const index = listedCount++;
  const mine = stamp;
  let s = <usize>(<i32>(h ^ (h >> 32)) & (SLOTS - 1));
  while (load<u32>(slotStamp + (s << 2)) == mine) s = (s + 1) & (SLOTS - 1);
  store<u64>(slotHash + (s << 3), h);
  store<i32>(slotField + (s << 2), index);
  store<u32>(slotStamp + (s << 2), mine);
}
