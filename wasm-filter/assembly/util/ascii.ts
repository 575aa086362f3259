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
