// FieldShapes kept across exchanges: an API answers with the same body structure request after
// request, so the shape collector (body-shape.ts) takes the FieldShape an earlier body listed
// instead of spelling the path and allocating again. Entries are shared read-only: FieldShape is
// plain data the encoder only reads. Bounded: SLOTS entries in sets of WAYS (a field goes in the
// first free way of its set, else takes the way its hash picks), paths up to MAX_PATH units. Ways,
// not one slot per hash: a body of a few dozen fields nearly always has two whose hashes share a
// slot, and direct-mapped they evicted each other in every exchange.
import { FieldShape } from "./event";

// @ts-ignore: decorator
@inline const SLOTS: i32 = 256; // a power of two
// @ts-ignore: decorator
@inline const MAX_PATH: i32 = 256;
// @ts-ignore: decorator
@inline const WAYS: i32 = 4; // a power of two dividing SLOTS

const hashes: usize = memory.data(SLOTS << 3);
const fields = new StaticArray<FieldShape | null>(SLOTS);
/** The FieldShape of each entry's parent container (null: the root, `$`). */
const parents = new StaticArray<FieldShape | null>(SLOTS);

/** First slot of h's set. */
// @ts-ignore: decorator
@inline function setOf(h: u64): i32 {
  return <i32>(h ^ (h >> 32)) & (SLOTS - WAYS);
}

/**
 * The kept field whose path is `parent`'s path (`$` when null) followed by the member spelled in
 * [memberPtr, +memberBytes) as UTF-16 units, of `type` and `format`; null when none is kept. `h`
 * (the collector's hash of path and type) only picks the slot: the match is checked exactly.
 */
export function internedField(h: u64, parent: FieldShape | null, type: u32, format: string, memberPtr: usize, memberBytes: usize): FieldShape | null {
  const set = setOf(h);
  for (let s = set; s < set + WAYS; s++) {
    if (load<u64>(hashes + (<usize>s << 3)) != h) continue;
    const f = unchecked(fields[s]); // s < set + WAYS <= SLOTS
    if (f !== null && unchecked(parents[s]) === parent && matches(f, parent, type, format, memberPtr, memberBytes)) return f;
  }
  return null;
}

/** Whether kept field f (whose parent is `parent`) is the member [memberPtr, +memberBytes) of `type` and `format`. */
function matches(f: FieldShape, parent: FieldShape | null, type: u32, format: string, memberPtr: usize, memberBytes: usize): bool {
  if (f.type != type || f.format != format) return false;
  // The entry's path was made as parent's path + member: equal lengths and an equal tail mean an
  // equal member.
  const path = f.path;
  const bytes = <usize>path.length << 1;
  const prefixBytes = parent !== null ? <usize>parent.path.length << 1 : 2;
  return prefixBytes + memberBytes == bytes && memory.compare(changetype<usize>(path) + prefixBytes, memberPtr, memberBytes) == 0;
}

/** Keeps `field` (whose path is its parent's path + one member) for later bodies. */
export function internField(h: u64, parent: FieldShape | null, field: FieldShape): void {
  if (field.path.length > MAX_PATH) return;
  const set = setOf(h);
  let s = set + (<i32>(h >> 40) & (WAYS - 1));
  for (let w = set; w < set + WAYS; w++) {
    if (unchecked(fields[w]) === null) {
      // w < set + WAYS <= SLOTS
      s = w;
      break;
    }
  }
  store<u64>(hashes + (<usize>s << 3), h);
  unchecked((fields[s] = field));
  unchecked((parents[s] = parent));
}
