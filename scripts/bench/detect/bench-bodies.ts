// The detection bench's bodies: scripts/bench/detect/inputs/records.json (fixed; make-inputs.ts
// wrote it) cut into JSON arrays of an exact size, shared by the benchmark and the profiling aid.
import { readFileSync } from 'node:fs';

const records = JSON.parse(readFileSync(new URL('./inputs/records.json', import.meta.url), 'utf8')) as Record<
  'clean' | 'sensitive',
  unknown[]
>;

/** A JSON array of the records, in file order and cycling, padded with spaces to exactly `size` bytes. */
export function jsonBody(kind: 'clean' | 'sensitive', size: number): string {
  const list = records[kind];
  const parts: string[] = [];
  let bytes = 2;
  for (let i = 0; ; i++) {
    const r = JSON.stringify(list[i % list.length]);
    const add = Buffer.byteLength(r) + (parts.length ? 1 : 0);
    if (parts.length > 0 && bytes + add > size) break;
    parts.push(r);
    bytes += add;
  }
  const body = `[${parts.join(',')}]`;
  return body + ' '.repeat(Math.max(0, size - Buffer.byteLength(body)));
}
