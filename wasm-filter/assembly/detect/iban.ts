// IBAN structure (ISO 13616): two-letter country, two check digits, a BBAN whose length the
// country fixes (SWIFT IBAN registry), and ISO 7064 mod 97-10 over the rearranged string == 1.

/** "CCnn" entries: country code and IBAN length (docs/detectors.md §5, from the SWIFT registry). */
const COUNTRY_LENGTHS =
  "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29CH21CR22CY28CZ24DE22DK18DO28EE20EG29ES24FI18FO18FR27GB22" +
  "GE22GI23GL18GR27GT28HR21HU28IE22IL23IS26IT27JO30KW30KZ20LB28LI21LT20LU20LV21MC27MD24ME22MK19MR27" +
  "MT31MU30NL18NO15PK24PL28PS29PT25QA29RO24RS22SA24SE24SI19SK24SM27TN24TR26UA29VG24XK20";

/** Required IBAN length for a country (upper-case letters as char codes), 0 when unknown. */
export function ibanLength(c0: u32, c1: u32): i32 {
  for (let i = 0, n = COUNTRY_LENGTHS.length; i < n; i += 4) {
    if (<u32>COUNTRY_LENGTHS.charCodeAt(i) == c0 && <u32>COUNTRY_LENGTHS.charCodeAt(i + 1) == c1) {
      return (COUNTRY_LENGTHS.charCodeAt(i + 2) - 48) * 10 + (COUNTRY_LENGTHS.charCodeAt(i + 3) - 48);
    }
  }
  return 0;
}

@inline function upper(c: u32): u32 {
  return c - 97 < 26 ? c - 32 : c;
}

/** IBAN with optional spaces between groups, letters in either case. */
export function validIban(ptr: usize, len: usize): bool {
  // Pass 1: count significant characters and check the shape.
  let n = 0;
  let c0: u32 = 0;
  let c1: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = upper(<u32>load<u8>(ptr + i));
    if (c == 32) continue;
    const isLetter = c - 65 < 26;
    const isDigit = c - 48 < 10;
    if (n < 2 && !isLetter) return false;
    if ((n == 2 || n == 3) && !isDigit) return false;
    if (!isLetter && !isDigit) return false;
    if (n == 0) c0 = c;
    else if (n == 1) c1 = c;
    n++;
  }
  const want = ibanLength(c0, c1);
  if (want == 0 || n != want) return false;
  // Pass 2: mod 97 over BBAN + country + check digits, letters as 10..35, computed incrementally.
  let rem: u32 = 0;
  for (let pass = 0; pass < 2; pass++) {
    let k = 0;
    for (let i: usize = 0; i < len; i++) {
      const c = upper(<u32>load<u8>(ptr + i));
      if (c == 32) continue;
      const inBban = k >= 4;
      k++;
      if (inBban != (pass == 0)) continue;
      if (c - 48 < 10) rem = (rem * 10 + (c - 48)) % 97;
      else rem = (rem * 100 + (c - 55)) % 97;
    }
  }
  return rem == 1;
}
