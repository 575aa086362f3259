// Path segments are inspected like any other field, and the path the event reports carries no raw
// value: a segment with a finding is replaced by `{<type>}` (docs/filter-config.md "Path
// privacy"; the Apigee policy does the same in src/core/path-privacy.js). The placeholder is a
// variable segment for the control plane's templater, so `/v1/imei/{imei}` still templates.
import { Findings, ScanLimits, Scanner } from "../detect";
import { FIELD_PATH } from "../detect/field-kinds";
import { ByteBuf } from "../detect/segment";
import { asciiLower } from "../util/ascii";

/** Keys longer than this (bytes) are not a resource name (no context from them). */
// @ts-ignore: decorator
@inline const MAX_KEY_BYTES: i32 = 64;
/** Reported for a segment the scanner never looked at (the exchange's finding limit was reached). */
export const UNSCANNED_SEGMENT = "{unscanned}";
// The buffers scanned through raw pointers are held here, in globals (GC roots): a local used only
// as `changetype<usize>` is not kept alive across the scanner's allocations.
const NO_BYTES = new ArrayBuffer(0);
let pathBytes: ArrayBuffer = NO_BYTES;
let decodedSegment: ArrayBuffer = NO_BYTES;

/**
 * Scans each segment of `path` (no query) as its own field: percent-decoded, key = the previous
 * segment when that one carried no finding (`/v1/imei/<value>` gives the key `imei`), else none.
 * Findings get FIELD_PATH, the key as their name, offsets into the decoded segment. Returns the
 * path to report. `raw`, when not 0, holds path's UTF-8 (the caller keeps it alive).
 */
export function scanPath(scanner: Scanner, path: string, out: Findings, limits: ScanLimits, raw: usize = 0): string {
  // One UTF-8 copy of the path, unless the caller has one; segments without `%` are scanned in
  // place (no copy per segment).
  let base = raw;
  let n = path.length;
  if (raw == 0) {
    const bytes = String.UTF8.encode(path);
    pathBytes = bytes;
    base = changetype<usize>(bytes);
    n = bytes.byteLength;
  }
  let reported: Array<string> | null = null;
  let key = "";
  let segmentNo = 0;
  let from = 0;
  while (from <= n) {
    let to = from;
    while (to < n && load<u8>(base + <usize>to) != 0x2f) to++;
    segmentNo++;
    if (to > from) {
      let placeholder = "";
      if (<u32>out.count >= limits.maxFindings) {
        // Privacy first: a segment that was not inspected is not reported.
        placeholder = UNSCANNED_SEGMENT;
      } else {
        let ptr = base + <usize>from;
        let len = <usize>(to - from);
        if (hasPercent(ptr, len)) {
          const decoded = percentDecode(ptr, len);
          decodedSegment = decoded;
          ptr = changetype<usize>(decoded);
          len = <usize>decoded.byteLength;
        }
        const before = out.count;
        scanner.scanHeader(key, ptr, len, out, limits);
        placeholder = placeholderOf(out, before, key);
        key = placeholder.length == 0 && len <= <usize>MAX_KEY_BYTES ? keyOf(segmentNo, ptr, len) : "";
      }
      if (placeholder.length > 0) {
        if (reported === null) reported = path.split("/");
        reported[segmentNo - 1] = placeholder;
        key = "";
      }
    } else key = "";
    from = to + 1;
  }
  pathBytes = NO_BYTES;
  decodedSegment = NO_BYTES;
  return reported === null ? path : reported.join("/");
}

// @ts-ignore: decorator
@inline const KEPT_KEYS: i32 = 16;
/** The key made of segment k + 1 of the last paths, by position: requests repeat their endpoints. */
const keptKeys = new Array<string>();

/**
 * The key that segment number `segmentNo` (from 1), [ptr, ptr + len), gives the next one:
 * asciiLower of its text. The last one made at that position is reused when the bytes spell it.
 */
function keyOf(segmentNo: i32, ptr: usize, len: usize): string {
  const k = segmentNo - 1;
  if (k < keptKeys.length && spellsLower(ptr, len, unchecked(keptKeys[k]))) return unchecked(keptKeys[k]); // k < length
  const key = asciiLower(String.UTF8.decodeUnsafe(ptr, len));
  if (k < keptKeys.length) unchecked((keptKeys[k] = key));
  else if (k < KEPT_KEYS) {
    // Positions before k may never get a key (a path's first segment, before its leading `/`,
    // is empty): "" holds them, which no segment spells, so k itself is kept.
    while (keptKeys.length < k) keptKeys.push("");
    keptKeys.push(key);
  }
  return key;
}

/** Whether ASCII bytes [ptr, ptr + len), A-Z lower-cased, are `s` (false for any other byte). */
function spellsLower(ptr: usize, len: usize, s: string): bool {
  if (<usize>s.length != len) return false;
  const units = changetype<usize>(s);
  for (let i: usize = 0; i < len; i++) {
    let b = <u32>load<u8>(ptr + i);
    if (b >= 0x80) return false;
    if (b - 0x41 < 26) b |= 0x20;
    if (b != <u32>load<u16>(units + (i << 1))) return false;
  }
  return true;
}

/** Marks findings [from, count) as path findings; `{type}` of the first one, or "" when none. */
function placeholderOf(out: Findings, from: i32, key: string): string {
  let first = -1;
  for (let j = from; j < out.count; j++) {
    const f = out.at(j);
    f.field = FIELD_PATH;
    f.name = key;
    // Overlaps are resolved per field and ordered by start: the first finding starts lowest.
    if (first < 0) first = j;
  }
  return first < 0 ? "" : "{" + out.at(first).type + "}";
}

function hasPercent(ptr: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) if (load<u8>(ptr + i) == 0x25) return true;
  return false;
}

/** `%XX` → byte; a `%` not followed by two hex digits stays as is. `+` is not a space in a path. */
export function percentDecode(src: usize, n: usize): ArrayBuffer {
  percentDecodeInto(src, n, decodedBytes);
  const out = new ArrayBuffer(<i32>decodedBytes.len);
  memory.copy(changetype<usize>(out), decodedBytes.ptr, decodedBytes.len);
  return out;
}
const decodedBytes = new ByteBuf();

/** percentDecode() into `out` (emptied first), without a buffer of its own. */
export function percentDecodeInto(src: usize, n: usize, out: ByteBuf): void {
  out.len = 0;
  out.ensure(n);
  const dst = out.ptr;
  let w: usize = 0;
  for (let r: usize = 0; r < n; r++) {
    const c = load<u8>(src + r);
    if (c == 0x25 && r + 2 < n) {
      const hi = hexValue(load<u8>(src + r + 1));
      const lo = hexValue(load<u8>(src + r + 2));
      if (hi >= 0 && lo >= 0) {
        store<u8>(dst + w, <u8>((hi << 4) | lo));
        w++;
        r += 2;
        continue;
      }
    }
    store<u8>(dst + w, c);
    w++;
  }
  out.len = w;
}

function hexValue(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return <i32>c - 0x41 + 10;
  return -1;
}
