// Check digits and structural rules applied to a candidate after its pattern matched (rules.proto
// enum Validator). Each check reads the DECODED value [ptr, ptr+len) and returns true when the
// candidate is plausible. Separators the patterns allow inside numbers (space, `-`, `.`, `/`) are
// skipped when digits are counted, so `4111 1111 1111 1111` and `4111111111111111` agree.

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

/** At most this many digits are collected from a candidate (longest: ICCID 20, card 19). */
@inline const MAX_DIGITS: i32 = 32;

/** Minimum Shannon entropy, bits per byte, of a generic secret (VALIDATOR_ENTROPY). */
export const ENTROPY_MIN_BITS: f64 = 3.0;

@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

/** Digits of a candidate, separators skipped; reused buffer (validators run one at a time). */
const digitBuf = new StaticArray<u8>(MAX_DIGITS);

/** Collects the digit values into digitBuf; -1 when a byte is neither digit nor separator or too many digits. */
function collectDigits(ptr: usize, len: usize): i32 {
  let n = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (isDigit(c)) {
      if (n >= MAX_DIGITS) return -1;
      unchecked((digitBuf[n++] = <u8>(c - 48))); // n < MAX_DIGITS checked just above
    } else if (c != 32 && c != 45 && c != 46 && c != 47) return -1;
  }
  return n;
}

/** Luhn mod-10 over the first n collected digits. */
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

/** Value of collected digits [from, from+count) as an integer. */
function digitsValue(from: i32, count: i32): i32 {
  let v = 0;
  for (let i = from; i < from + count; i++) v = v * 10 + <i32>digitBuf[i];
  return v;
}

/** Issuer (IIN) ranges and lengths of the major card networks. */
function cardIssuerOk(n: i32): bool {
  if (n < 12 || n > 19) return false;
  const p1 = digitsValue(0, 1);
  const p2 = digitsValue(0, 2);
  const p3 = digitsValue(0, 3);
  const p4 = digitsValue(0, 4);
  const p6 = digitsValue(0, 6);
  if (p1 == 4) return n == 13 || n == 16 || n == 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16; // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15; // American Express
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16; // Discover
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14; // Diners Club
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p2 == 62) return n >= 16; // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 12; // Maestro
  return false;
}

export function validCard(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return n >= 12 && cardIssuerOk(n) && luhnOk(n);
}

export function validImei(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return n == 15 && luhnOk(n);
}

/** US SSN (SSA rules since 2011 randomization): area 001-665, 667-899; group 01-99; serial 0001-9999. */
export function validSsn(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 9) return false;
  const area = digitsValue(0, 3);
  const group = digitsValue(3, 2);
  const serial = digitsValue(5, 4);
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  // Numbers published in advertising and on sample cards, never issued to a person.
  if (area == 78 && group == 5 && serial == 1120) return false;
  if (area == 219 && group == 9 && serial == 9999) return false;
  if (area == 123 && group == 45 && serial == 6789) return false;
  return true;
}

/** ABA routing transit number: 9 digits, 3·d1 + 7·d2 + d3 + 3·d4 … ≡ 0 (mod 10). */
export function validAba(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 3) sum += 3 * <i32>digitBuf[i] + 7 * <i32>digitBuf[i + 1] + <i32>digitBuf[i + 2];
  const prefix = digitsValue(0, 2);
  // Federal Reserve routing symbol: 00-12, 21-32, 61-72, 80.
  const prefixOk = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix == 80;
  return prefixOk && sum % 10 == 0;
}

export function validIccid(ptr: usize, len: usize): bool {
  const n = collectDigits(ptr, len);
  return (n == 19 || n == 20) && digitBuf[0] == 8 && digitBuf[1] == 9 && luhnOk(n);
}

export function validImsi(ptr: usize, len: usize): bool {
  if (collectDigits(ptr, len) != 15) return false;
  const mcc = digitsValue(0, 3);
  return mcc >= 200 && mcc <= 799;
}

/** IPv4 dotted quad: four decimal octets 0-255 without leading zeros. */
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
      octets++;
      value = 0;
      digits = 0;
    } else return false;
  }
  return octets == 4;
}

/** E.164 (`+` and 8-15 digits) or a national number of 7-15 digits. */
export function validPhone(ptr: usize, len: usize): bool {
  let digits = 0;
  let plus = false;
  for (let i: usize = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (isDigit(c)) digits++;
    else if (c == 43 && digits == 0) plus = true;
    else if (c != 32 && c != 45 && c != 46 && c != 40 && c != 41) return false;
  }
  return plus ? digits >= 8 && digits <= 15 : digits >= 7 && digits <= 15;
}

/** Shannon entropy of the bytes in bits per byte. */
export function entropyBits(ptr: usize, len: usize): f64 {
  if (len == 0) return 0;
  const counts = entropyCounts;
  memory.fill(changetype<usize>(counts), 0, 256 << 2);
  for (let i: usize = 0; i < len; i++) {
    const b = <i32>load<u8>(ptr + i);
    unchecked((counts[b] = unchecked(counts[b]) + 1)); // b is a byte: 0..255 < 256 entries
  }
  let h: f64 = 0;
  const total = <f64>len;
  for (let b = 0; b < 256; b++) {
    const c = unchecked(counts[b]);
    if (c == 0) continue;
    const p = <f64>c / total;
    h -= p * Math.log2(p);
  }
  return h;
}
const entropyCounts = new StaticArray<u32>(256);

export function validEntropy(ptr: usize, len: usize): bool {
  return entropyBits(ptr, len) >= ENTROPY_MIN_BITS;
}
