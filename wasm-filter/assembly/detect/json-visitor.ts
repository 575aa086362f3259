// Structure events of a JsonWalker walk, for a pass that rides along with the scan instead of
// tokenizing the body a second time (telemetry/body-shape.ts collects BodyShape.fields this way).
// Events follow the walker's own reading of the bytes, so lenient on malformed JSON alike.
export abstract class JsonVisitor {
  /** A container opens as a value at the current position (`{` when isObject, else `[`). */
  abstract open(isObject: bool): void;
  /** The innermost open container closes. */
  abstract close(): void;
  /** Member name of the innermost object, decoded: [ptr, ptr + n), valid until the next key. */
  abstract key(ptr: usize, n: usize): void;
  /** A string value, decoded: [ptr, ptr + n), valid during the call. */
  abstract string(ptr: usize, n: usize): void;
  /** A bare word (number, true, false, null or junk), raw bytes [ptr, ptr + n). */
  abstract word(ptr: usize, n: usize): void;
}
