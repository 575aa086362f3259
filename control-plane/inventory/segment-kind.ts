// What a single path segment looks like. A segment with a kind is a value (an identifier, a date,
// an address), never part of the API's static shape, so it becomes a parameter at once; segments
// with no kind stay static until their position proves to take too many values (path-templater).

export type SegmentKind = 'id' | 'uuid' | 'ulid' | 'hash' | 'date' | 'email' | 'msisdn' | 'imei' | 'token';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Crockford base32, 26 chars, first char ≤ 7 (48-bit timestamp).
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const HEX_LONG = /^[0-9a-f]{16,}$/i;
const HEX_MIXED = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const EMAIL = /^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/;
const MSISDN = /^\+\d{8,15}$/;
const DIGITS = /^\d+$/;
// Opaque tokens: long base64url-ish strings mixing letters and digits (session ids, slugs with ids).
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_~.=-]{20,}$/;
// Numbers with separators: `12-345-678`, `ORD-2024-000123` are ids too when mostly digits.
const MOSTLY_DIGITS = /^[A-Za-z]{0,4}[-_]?\d[\d-_]{5,}$/;

/** Luhn check: IMEIs carry one (the 15th digit). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// A segment a gateway masked because it carried a finding (`{imei}`, `{credit_card}`: see
// docs/filter-config.md "Path privacy"): a value by definition, named after the finding type.
const MASKED = /^\{([a-z0-9_]{1,64})\}$/;
const MASKED_KINDS: Readonly<Record<string, SegmentKind>> = { imei: 'imei', email: 'email', phone_number: 'msisdn', msisdn: 'msisdn' };

/** The value kind of one raw path segment, or null when it looks like part of the API's shape. */
export function segmentKind(raw: string): SegmentKind | null {
  if (raw.length === 0) return null;
  const masked = MASKED.exec(raw);
  if (masked) return MASKED_KINDS[masked[1]!] ?? 'id';
  const s = decode(raw);
  if (DIGITS.test(s)) {
    if (s.length === 15 && luhnValid(s)) return 'imei';
    if (COMPACT_DATE.test(s)) return 'date';
    return 'id';
  }
  if (MSISDN.test(s)) return 'msisdn';
  if (UUID.test(s)) return 'uuid';
  if (DATE.test(s)) return 'date';
  if (EMAIL.test(s)) return 'email';
  if (s.length === 26 && ULID.test(s) && /\d/.test(s)) return 'ulid';
  if (HEX_LONG.test(s) || HEX_MIXED.test(s)) return 'hash';
  if (MOSTLY_DIGITS.test(s)) return 'id';
  if (TOKEN.test(s)) return 'token';
  return null;
}
