// The shared path-privacy vectors (test/vectors/path-privacy/, format in test/vectors/README.md
// "path-privacy"), read by the filter's and the Apigee policy's path privacy tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PathPrivacyVector {
  name: string;
  description: string;
  input: { path: string };
  /** The event's path, and the FIELD_KIND_PATH findings as { type, name } in path order. */
  expected: { path: string; findings: { type: string; name: string }[] };
}

const DIR = new URL('../vectors/path-privacy/', import.meta.url);

export function pathPrivacyVectors(): PathPrivacyVector[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DIR.pathname, f), 'utf8')) as PathPrivacyVector);
}

/** The raw values a vector's path carries: the segments that became placeholders, as sent and decoded. */
export function rawValues(v: PathPrivacyVector): string[] {
  const sent = v.input.path.split('/');
  const reported = v.expected.path.split('/');
  return sent.filter((s, i) => reported[i] !== s).flatMap((s) => [s, decodeURIComponent(s)]);
}
