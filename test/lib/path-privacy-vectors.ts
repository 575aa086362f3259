// The shared path-privacy vectors (test/vectors/path-privacy/, format in test/vectors/README.md
// "path-privacy"), read by the filter's and the Apigee policy's path privacy tests.
import { readVectors } from './vectors.ts';

export interface PathPrivacyVector {
  name: string;
  description: string;
  input: { path: string };
  /** The event's path, and the FIELD_KIND_PATH findings as { type, name } in path order. */
  expected: { path: string; findings: { type: string; name: string }[] };
}

export function pathPrivacyVectors(): PathPrivacyVector[] {
  return readVectors<PathPrivacyVector>('path-privacy');
}

/** The raw values a vector's path carries: the segments that became placeholders, as sent and decoded. */
export function rawValues(v: PathPrivacyVector): string[] {
  const sent = v.input.path.split('/');
  const reported = v.expected.path.split('/');
  return sent.filter((s, i) => reported[i] !== s).flatMap((s) => [s, decodeURIComponent(s)]);
}
