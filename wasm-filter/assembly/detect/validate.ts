// Dispatches a candidate to its detector's validator (rules.proto enum Validator) and holds the
// two checks that look inside an encoding: JWT headers and HTTP Basic credentials.
import { base64Decode, BASE64_STD, BASE64_URL } from "./base64";
import { validDatePast } from "./date-past";
import { validIban } from "./iban";
import {
  validAba,
  validCard,
  validEntropy,
  validIccid,
  validImei,
  validImsi,
  validIpv4,
  validPhone,
  validSsn,
  VALIDATOR_ABA,
  VALIDATOR_BASIC_AUTH,
  VALIDATOR_CARD,
  VALIDATOR_DATE_PAST,
  VALIDATOR_ENTROPY,
  VALIDATOR_IBAN,
  VALIDATOR_ICCID,
  VALIDATOR_IMEI,
  VALIDATOR_IMSI,
  VALIDATOR_IPV4,
  VALIDATOR_JWT,
  VALIDATOR_PHONE,
  VALIDATOR_US_SSN,
} from "./validators";

/** Decoded credentials longer than this are refused (§5 BASIC_AUTH: 3-256 bytes). */
@inline const MAX_CREDENTIALS: usize = 256;
/** JWT headers are decoded into this much scratch space at most. */
@inline const SCRATCH_BYTES: usize = 1024;
const scratch = new StaticArray<u8>(<i32>SCRATCH_BYTES);

/** The bytes before the first `.` base64url-decode to text starting `{` (after spaces) containing `"alg"`. */
export function validJwt(ptr: usize, len: usize): bool {
  let dot: usize = 0;
  while (dot < len && load<u8>(ptr + dot) != 46) dot++;
  const out = changetype<usize>(scratch);
  const n = base64Decode(ptr, dot, out, SCRATCH_BYTES, BASE64_URL);
  if (n <= 0) return false;
  let i = 0;
  while (i < n && isSpace(load<u8>(out + i))) i++;
  if (i >= n || load<u8>(out + i) != 123) return false; // '{'
  return contains(out, n, '"alg"');
}

/**
 * `Basic` (any case), one or more spaces, then base64 of `user:password`: 3-256 printable ASCII
 * bytes with at least one byte before and after the first `:`.
 */
export function validBasicAuth(ptr: usize, len: usize): bool {
  if (len < 6 || lowerAt(ptr, 0) != 98 || lowerAt(ptr, 1) != 97 || lowerAt(ptr, 2) != 115 || lowerAt(ptr, 3) != 105 || lowerAt(ptr, 4) != 99) {
    return false;
  }
  let i: usize = 5;
  while (i < len && load<u8>(ptr + i) == 32) i++;
  if (i == 5) return false;
  const out = changetype<usize>(scratch);
  const n = base64Decode(ptr + i, len - i, out, MAX_CREDENTIALS, BASE64_STD);
  if (n < 3) return false;
  let colon = -1;
  for (let k = 0; k < n; k++) {
    const c = load<u8>(out + k);
    if (c < 0x20 || c > 0x7e) return false;
    if (c == 58 && colon < 0) colon = k;
  }
  return colon >= 1 && colon < n - 1;
}

/**
 * True when the candidate passes `validator` (proto Validator number). Unknown validators pass:
 * a newer control plane may ship one this filter predates, and the pattern alone still matched.
 */
export function validate(validator: i32, ptr: usize, len: usize): bool {
  switch (validator) {
    case VALIDATOR_CARD:
      return validCard(ptr, len);
    case VALIDATOR_IMEI:
      return validImei(ptr, len);
    case VALIDATOR_IBAN:
      return validIban(ptr, len);
    case VALIDATOR_US_SSN:
      return validSsn(ptr, len);
    case VALIDATOR_ABA:
      return validAba(ptr, len);
    case VALIDATOR_ICCID:
      return validIccid(ptr, len);
    case VALIDATOR_IMSI:
      return validImsi(ptr, len);
    case VALIDATOR_JWT:
      return validJwt(ptr, len);
    case VALIDATOR_IPV4:
      return validIpv4(ptr, len);
    case VALIDATOR_DATE_PAST:
      return validDatePast(ptr, len);
    case VALIDATOR_PHONE:
      return validPhone(ptr, len);
    case VALIDATOR_BASIC_AUTH:
      return validBasicAuth(ptr, len);
    case VALIDATOR_ENTROPY:
      return validEntropy(ptr, len);
    default:
      return true;
  }
}

@inline function isSpace(c: u8): bool {
  return c == 32 || c == 9 || c == 10 || c == 13;
}

@inline function lowerAt(ptr: usize, i: usize): u32 {
  return <u32>load<u8>(ptr + i) | 0x20;
}

/** Whether [ptr, ptr+n) contains the ASCII needle. */
function contains(ptr: usize, n: i32, needle: string): bool {
  const m = needle.length;
  for (let i = 0; i + m <= n; i++) {
    let j = 0;
    while (j < m && <i32>load<u8>(ptr + i + j) == needle.charCodeAt(j)) j++;
    if (j == m) return true;
  }
  return false;
}
