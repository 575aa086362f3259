// Check digits and structural rules applied to a candidate after its pattern matched (rules.proto
// enum Validator; docs/detectors.md §5 is normative). Each check reads the DECODED match bytes
// [ptr, ptr+len). "Digits" are the ASCII digits of the match in order; other bytes are skipped.

export const VALIDATOR_NONE: i32 = 1;
export const VALIDATOR_CARD: i32 = 2;
export const VALIDATOR_IMEI: i32 = 3;
export const VALIDATOR_IBAN: i32 = 4;
export const VALIDATOR_US_SSN: i32 = 5;
export const VALIDATOR_ABA: i32 = 6;
export const VALIDATOR_ICCID: i32 = 7;
export const VALIDATOR_IMSI: i32 = 8;
export const VALIDATOR_JWT: i32 = 9;
export const VALIDATOR_IPV4: i32 = 10;
export const VALIDATOR_DATE_PAST: i32 = 11;
export const VALIDATOR_PHONE: i32 = 12;
export const VALIDATOR_BASIC_AUTH: i32 = 13;
export const VALIDATOR_ENTROPY: i32 = 14;

/** Digits kept from a candidate; longer runs only count (no validator accepts more than 20). */
@inline const MAX_DIGITS: i32 = 32;

@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

/** Digits of the candidate being validated; reused (validators run one at a time). */
const digitBuf = new StaticArray<u8>(MAX_DIGITS);

/** Collects the digits of the candidate into digitBuf (first MAX_DIGITS) and returns how many there are. */
function collectDigits(ptr: usize, len: usize): i32 {
  let n = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (isDigit(c)) {
      if (n < MAX_DIGITS) unchecked((digitBuf[n] = <u8>(c - 48))); // n < MAX_DIGITS just checked
      n++;
    }
  }
  return n;
}

/** Luhn mod-10 over the first n collected digits (n <= MAX_DIGITS). */
function luhnOk(n: i32): bool {
  let sum = 0;
  let double = false;
  for (let i = n - 1; i >= 0; i--) {
    let d = <i32>unchecked(digitBuf[i]); // 0 <= i < n <= MAX_DIGITS
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return n > 0 && sum % 10 == 0;
}

/** Whether the first n collected digits are all the same (test numbers like 0000…, 1111…). */
function allEqual(n: i32): bool {
  // Callers pass the count a validator accepted (at most 19 < MAX_DIGITS): i stays inside digitBuf.
  for (let i = 1; i < n; i++) if (unchecked(digitBuf[i]) != unchecked(digitBuf[0])) return false;
  return true;
}

/** Value of collected digits [from, from+count) as an integer. */
function digitsValue(from: i32, count: i32): i32 {
  let v = 0;
  // Callers read digits they counted (from + count <= 9 < MAX_DIGITS): i stays inside digitBuf.
  for (let i = from; i < from + count; i++) v = v * 10 + <i32>unchecked(digitBuf[i]);
  return v;
}

/**
 * Issuer (IIN) ranges and lengths of the major card networks (§5 CARD); n >= 12 digits collected.
 * Most candidates in clean traffic (13-digit timestamps, tracking numbers) fail here, so the
 * prefixes are read once, not a loop per prefix length.
 */
function cardIssuerOk(n: i32): bool {
  const p1 = <i32>unchecked(digitBuf[0]); // n >= 12: digits 0-3 were collected
  const p2 = p1 * 10 + <i32>unchecked(digitBuf[1]);
  const p3 = p2 * 10 + <i32>unchecked(digitBuf[2]);
  const p4 = p3 * 10 + <i32>unchecked(digitBuf[3]);
  if (p1 == 4) return n == 13 || n == 16 || n == 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16; // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15; // American Express
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) return n >= 16; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14; // Diners Club
  if (p2 == 62) return n >= 16; // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 67) return true; // Maestro 12-19
  return false;
}

export function validCard(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return n >= 12 && n <= 19 && cardIssuerOk(n) && luhnOk(n) && !allEqual(n);
}

export function validImei(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return n == 15 && luhnOk(n) && !allEqual(n);
}

/** US SSN (SSA rules since the 2011 randomization) minus numbers printed in advertising. */
export function validSsn(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 9 || allEqual(9)) return false;
  const area = digitsValue(0, 3);
  const group = digitsValue(3, 2);
  const serial = digitsValue(5, 4);
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  if (area == 78 && group == 5 && serial == 1120) return false; // Woolworth wallet card
  if (area == 219 && group == 9 && serial == 9999) return false; // SSA pamphlet sample
  if (area == 123 && group == 45 && serial == 6789) return false;
  return true;
}

/** ABA routing transit number: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10), not all zero. */
export function validAba(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 9) return false;
  let sum = 0;
  let any = 0;
  for (let i = 0; i < 9; i += 3) {
    sum += 3 * <i32>digitBuf[i] + 7 * <i32>digitBuf[i + 1] + <i32>digitBuf[i + 2];
    any |= <i32>digitBuf[i] | <i32>digitBuf[i + 1] | <i32>digitBuf[i + 2];
  }
  return any != 0 && sum % 10 == 0;
}

export function validIccid(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return (n == 19 || n == 20) && digitBuf[0] == 8 && digitBuf[1] == 9 && luhnOk(n);
}

/** 15 digits, MCC 200-799 (first digit 2-7), not all equal. */
export function validImsi(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 15) return false;
  return digitBuf[0] >= 2 && digitBuf[0] <= 7 && !allEqual(15);
}

/** IPv4 dotted quad: four octets of 1-3 digits ≤ 255, no leading zero, first octet not 0. */
export function validIpv4(ptr: usize, len: usize): bool {
  let octets = 0;
  let value = 0;
  let digits = 0;
  let first: u32 = 0;
  for (let i: usize = 0; i <= len; i++) {
    const c = i < len ? <u32>load<u8>(ptr + i) : 46;
    if (isDigit(c)) {
      if (digits == 0) first = c;
      else if (first == 48) return false;
      value = value * 10 + <i32>(c - 48);
      if (++digits > 3 || value > 255) return false;
    } else if (c == 46) {
      if (digits == 0) return false;
      if (octets == 0 && value == 0) return false;
      octets++;
      value = 0;
      digits = 0;
    } else return false;
  }
  return octets == 4;
}

/** NANP: area code and exchange start with 2-9 (digits at `from` and `from + 3`). */
@inline function nanpOk(from: i32): bool {
  return digitBuf[from] >= 2 && digitBuf[from + 3] >= 2;
}

/** `+` and 8-15 digits (first not 0); else NANP 10 or 1+10 digits; else 10-11 digits with trunk 0. */
export function validPhone(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  if (n == 0 || n > 15 || allEqual(n)) return false;
  if (len > 0 && load<u8>(ptr) == 43) return n >= 8 && digitBuf[0] != 0;
  if (n == 10 && nanpOk(0)) return true;
  if (n == 11 && digitBuf[0] == 1 && nanpOk(1)) return true;
  return (n == 10 || n == 11) && digitBuf[0] == 0;
}

/** Integer entropy rule: ≥ min(12, len/2) distinct bytes and two of {a-z, A-Z, 0-9}. */
export function validEntropy(ptr: usize, len: usize): bool {
  const seen = entropySeen;
  memory.fill(changetype<usize>(seen), 0, 256);
  let distinct: usize = 0;
  let lower = 0;
  let upper = 0;
  let digit = 0;
  for (let i: usize = 0; i < len; i++) {
    const b = <u32>load<u8>(ptr + i);
    if (unchecked(seen[b]) == 0) {
      // b is a byte: 0..255 < 256 entries
      unchecked((seen[b] = 1));
      distinct++;
    }
    if (b - 97 < 26) lower = 1;
    else if (b - 65 < 26) upper = 1;
    else if (b - 48 < 10) digit = 1;
  }
  const need = min<usize>(12, len >> 1);
  return distinct >= need && lower + upper + digit >= 2;
}
const entropySeen = new StaticArray<u8>(256);
