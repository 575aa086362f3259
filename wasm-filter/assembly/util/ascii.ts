// ASCII helpers for header names and tokens; HTTP header names are ASCII (RFC 9110 §5.1).

/** Lower-cases ASCII letters; other bytes are kept as they are. */
export function asciiLower(s: string): string {
  let changed = false;
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      changed = true;
      break;
    }
  }
  if (!changed) return s;
  let out = "";
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return out;
}

/**
 * s.toLowerCase(), or s itself when that would be equal (no ASCII capital, nothing beyond ASCII,
 * which toLowerCase() may map): per-request values are nearly always so already, and
 * toLowerCase() allocates a copy either way.
 */
export function lowerCaseOf(s: string): string {
  return hasUnits(s, 0x41) ? s.toLowerCase() : s;
}

/** s.toUpperCase(), or s itself when that would be equal (see lowerCaseOf). */
export function upperCaseOf(s: string): string {
  return hasUnits(s, 0x61) ? s.toUpperCase() : s;
}

/** Whether s has a unit in [from, from + 26) or beyond ASCII. */
function hasUnits(s: string, from: u32): bool {
  for (let i = 0, n = s.length; i < n; i++) {
    const c = <u32>s.charCodeAt(i);
    if (c - from < 26 || c >= 0x80) return true;
  }
  return false;
}

/** Is the ASCII string s exactly the bytes [ptr, ptr + len)? (False for any non-ASCII byte.) */
export function sameAscii(s: string, ptr: usize, len: usize): bool {
  if (<usize>s.length != len) return false;
  const chars = changetype<usize>(s);
  let i: usize = 0;
  // Four bytes a step (header maps decoded on every request compare every name and value here):
  // the bytes, none beyond ASCII, widened to the four UTF-16 units they must equal.
  for (; i + 4 <= len; i += 4) {
    const w = <u64>load<u32>(ptr + i);
    if ((w & 0x80808080) != 0) return false;
    let units = (w | (w << 16)) & 0x0000ffff0000ffff;
    units = (units | (units << 8)) & 0x00ff00ff00ff00ff;
    if (units != load<u64>(chars + (i << 1))) return false; // i + 4 <= len = s.length
  }
  for (; i < len; i++) {
    const b = <u32>load<u8>(ptr + i);
    if (b >= 0x80 || b != <u32>load<u16>(chars + (i << 1))) return false;
  }
  return true;
}
