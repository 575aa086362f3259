// FieldShapes kept across exchanges: an API answers with the same body structure request after
// request, so the shape collector (body-shape.ts) takes the FieldShape an earlier body listed
// instead of spelling the path and allocating again. Entries are shared read-only: FieldShape is
// plain data the encoder only reads. Bounded: SLOTS entries, direct-mapped (a newer field takes
// the slot), paths up to MAX_PATH units.
import { FieldShape } from "./event";

// @ts-ignore: decorator
@inline const SLOTS: i32 = 256; // a power of two
// @ts-ignore: decorator
@inline const MAX_PATH: i32 = 256;

const hashes: usize = memory.data(SLOTS << 3);
const fields = new StaticArray<FieldShape | null>(SLOTS);
/** The FieldShape of each entry's parent container (null: the root, `$`). */
const parents = new StaticArray<FieldShape | null>(SLOTS);

// @ts-ignore: decorator
@inline function slotOf(h: u64): i32 {
  return <i32>(h ^ (h >> 32)) & (SLOTS - 1);
}

/**
 * The kept field whose path is `parent`'s path (`$` when null) followed by the member spelled in
 * [memberPtr, +memberBytes) as UTF-16 units, of `type` and `format`; null when none is kept. `h`
 * (the collector's hash of path and type) only picks the slot: the match is checked exactly.
 */
export function internedField(h: u64, parent: FieldShape | null, type: u32, format: string, memberPtr: usize, memberBytes: usize): FieldShape | null {
  const s = slotOf(h);
  if (load<u64>(hashes + (<usize>s << 3)) != h) return null;
  const f = unchecked(fields[s]); // s < SLOTS
  if (f === null || unchecked(parents[s]) !== parent || f.type != type || f.format != format) return null;
  // The entry's path was made as parent's path + member: equal lengths and an equal tail mean an
  // equal member.
  const path = f.path;
  const bytes = <usize>path.length << 1;
  const prefixBytes = parent !== null ? <usize>parent.path.length << 1 : 2;
  if (prefixBytes + memberBytes != bytes) return null;
  if (memory.compare(changetype<usize>(path) + prefixBytes, memberPtr, memberBytes) != 0) return null;
  return f;
}

/** Keeps `field` (whose path is its parent's path + one member) for later bodies. */
export function internField(h: u64, parent: FieldShape | null, field: FieldShape): void {
  if (field.path.length > MAX_PATH) return;
  const s = slotOf(h);
  store<u64>(hashes + (<usize>s << 3), h);
  unchecked((fields[s] = field));
  unchecked((parents[s] = parent));
}
