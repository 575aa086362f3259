// Scanner output: a bounded list of findings, reused across exchanges so steady-state scanning
// allocates only for the findings themselves.
import { E_INDEXOUTOFRANGE } from "~lib/util/error";
import { MAX_PREVIEW } from "./mask";

/** Path capacity of a new Finding; a longer path replaces the buffer with one twice as large. */
@inline const INITIAL_PATH_BYTES: i32 = 64;

export class Finding {
  /** Index of the detector in the RuleSet (RuleSetDetectors.detectors). */
  detector: i32 = 0;
  /** Detector id, e.g. `credit_card`. */
  type: string = "";
  /** proto DataCategory number. */
  category: i32 = 0;
  /** proto Severity number. */
  severity: i32 = 0;
  /** proto FieldKind number (FIELD_* in field-kinds.ts). */
  field: i32 = 0;
  /** Header name (lower case) or query/form parameter name, when the field has one. */
  name: string = "";
  /** UTF-8 byte offsets into the field as on the wire: [start, end). */
  start: u32 = 0;
  end: u32 = 0;
  /**
   * Path of the value (`$.customer.cards[0].number` in JSON; the column, parameter or element
   * path elsewhere), pathLength bytes of UTF-8; 0 when it has none. Bytes, like the preview: a
   * finding refilled exchange after exchange allocates only when a longer path comes.
   */
  pathBytes: StaticArray<u8> = new StaticArray<u8>(INITIAL_PATH_BYTES);
  pathLength: i32 = 0;
  /** Percent, after validator and context scoring. */
  confidence: u32 = 0;
  /**
   * Masked preview of the decoded value (never the value): ASCII, maskedLength bytes, kept as
   * bytes so a finding (refilled exchange after exchange) allocates no string for it.
   */
  maskedBytes: StaticArray<u8> = new StaticArray<u8>(MAX_PREVIEW);
  maskedLength: i32 = 0;
  /** SipHash-2-4 of the decoded value under the scanner's key (Finding.value_hash, LE bytes). */
  valueHash: u64 = 0;

  /** The masked preview as a string. */
  get masked(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.maskedBytes), <usize>this.maskedLength);
  }

  /** The path as a string ("" for none). */
  get jsonPath(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.pathBytes), <usize>this.pathLength);
  }

  /** Sets the path to the UTF-8 bytes [ptr, ptr+n). */
  setPath(ptr: usize, n: i32): void {
    if (n > this.pathBytes.length) {
      let cap = this.pathBytes.length << 1;
      while (cap < n) cap <<= 1;
      this.pathBytes = new StaticArray<u8>(cap);
    }
    const to = changetype<usize>(this.pathBytes);
    // Paths are a few dozen bytes: a byte loop beats memory.copy, a call out of the wasm code in V8.
    for (let i = 0; i < n; i++) store<u8>(to + <usize>i, load<u8>(ptr + <usize>i));
    this.pathLength = n;
  }
}

export class Findings {
  private items: Array<Finding> = new Array<Finding>();
  /** Number of findings held. */
  count: i32 = 0;
  /** Set when a limit stopped inspection (field bytes, findings or candidates). */
  truncated: bool = false;

  clear(): void {
    this.count = 0;
    this.truncated = false;
  }

  @inline at(i: i32): Finding {
    // Array's checked read of a reference is a call (it also refuses a hole) on every finding the
    // scanner, the policy and the encoder read: one unsigned compare against count does it here,
    // inlined, as items holds a Finding at every index below count.
    if (<u32>i >= <u32>this.count) throw new RangeError(E_INDEXOUTOFRANGE);
    return unchecked(this.items[i]);
  }

  /** A finding slot to fill, recycled from earlier exchanges when possible. */
  push(): Finding {
    let f: Finding;
    if (this.count < this.items.length) f = unchecked(this.items[this.count]); // count < length just checked
    else {
      f = new Finding();
      this.items.push(f);
    }
    this.count++;
    return f;
  }

  /** Puts f at position i (< count); used to reorder a field's findings in place. */
  setAt(i: i32, f: Finding): void {
    this.items[i] = f;
  }

  /** Keeps the first n findings (the others stay pooled for reuse). */
  truncate(n: i32): void {
    if (n < this.count) this.count = n;
  }
}
