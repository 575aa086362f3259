// Property paths as guests send them: segments joined by NUL ("upstream\0address"), which Envoy
// splits (a trailing NUL ignored; notes §1.2). hostcalls.ts keeps the paths a filter asks for on
// every request in a RecentStrings, in this dotted form.

/** The dotted form of a raw path ("upstream\0address" → "upstream.address"). */
export function dottedPath(raw: string): string {
  return raw.replace(/\0$/, '').split('\0').join('.');
}
