// Path segments are inspected like any other field, and the path the event reports carries no raw
// value: a segment with a finding is replaced by `{<type>}` (docs/filter-config.md "Path
// privacy"; the Apigee policy does the same in src/core/path-privacy.js). The placeholder is a
// variable segment for the control plane's templater, so `/v1/imei/{imei}` still templates.
import { Findings, ScanLimits, Scanner } from "../detect";
import { FIELD_PATH } from "../detect/field-kinds";
import { asciiLower } from "../util/ascii";

/** Keys longer than this are not a resource name (no context from them). */
// @ts-ignore: decorator
@inline const MAX_KEY_CHARS: i32 = 64;
/** Reported for a segment the scanner never looked at (the exchange's finding limit was reached). */
export const UNSCANNED_SEGMENT = "{unscanned}";

/**
 * Scans each segment of `path` (no query) as its own field: percent-decoded, key = the previous
 * segment when that one carried no finding (`/v1/imei/<value>` gives the key `imei`), else none.
 * Findings get FIELD_PATH, the key as their name, offsets into the decoded segment. Returns the
 * path to report.
 */
export function scanPath(scanner: Scanner, path: string, out: Findings, limits: ScanLimits): string {
  const segments = path.split("/");
  let key = "";
  let changed = false;
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i];
    if (raw.length == 0) {
      key = "";
      continue;
    }
    if (<u32>out.count >= limits.maxFindings) {
      // Privacy first: a segment that was not inspected is not reported.
      segments[i] = UNSCANNED_SEGMENT;
      changed = true;
      continue;
    }
    const decoded = percentDecode(raw);
    const before = out.count;
    scanner.scanHeader(key, changetype<usize>(decoded), <usize>decoded.byteLength, out, limits);
    const placeholder = placeholderOf(out, before, key);
    if (placeholder.length > 0) {
      segments[i] = placeholder;
      changed = true;
      key = "";
    } else {
      const text = String.UTF8.decode(decoded);
      key = text.length <= MAX_KEY_CHARS ? asciiLower(text) : "";
    }
  }
  return changed ? segments.join("/") : path;
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

/** `%XX` → byte; a `%` not followed by two hex digits stays as is. `+` is not a space in a path. */
export function percentDecode(segment: string): ArrayBuffer {
  const bytes = String.UTF8.encode(segment);
  const n = bytes.byteLength;
  if (segment.indexOf("%") < 0) return bytes;
  const src = changetype<usize>(bytes);
  const outBuf = new ArrayBuffer(n);
  const dst = changetype<usize>(outBuf);
  let w = 0;
  for (let r = 0; r < n; r++) {
    const c = load<u8>(src + <usize>r);
    if (c == 0x25 && r + 2 < n) {
      const hi = hexValue(load<u8>(src + <usize>r + 1));
      const lo = hexValue(load<u8>(src + <usize>r + 2));
      if (hi >= 0 && lo >= 0) {
        store<u8>(dst + <usize>w, <u8>((hi << 4) | lo));
        w++;
        r += 2;
        continue;
      }
    }
    store<u8>(dst + <usize>w, c);
    w++;
  }
  return outBuf.slice(0, w);
}

function hexValue(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return <i32>c - 0x41 + 10;
  return -1;
}
