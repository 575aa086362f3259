// JSON string content for the small JSON documents the filter writes itself (local-reply bodies,
// harness results). Control characters become spaces: these strings are ids and messages, shown
// or compared, never round-tripped.
export function jsonEscape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += " ";
    else out += String.fromCharCode(c);
  }
  return out;
}

export function jsonQuote(s: string): string {
  return '"' + jsonEscape(s) + '"';
}
