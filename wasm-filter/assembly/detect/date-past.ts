// Dates of birth (docs/detectors.md §5 DATE_PAST): `YYYY-MM-DD` (or `/`, `.`), or `AA?BB?YYYY`
// read as month/day, else day/month; the date must exist and 1900 <= year <= 2025. The upper
// bound is fixed rather than "today" so every scanner and the shared vectors agree forever.

@inline const MIN_YEAR: i32 = 1900;
@inline const MAX_YEAR: i32 = 2025;

@inline function isLeap(y: i32): bool {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

function dateOk(y: i32, m: i32, d: i32): bool {
  return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** Three numeric parts separated by `-`, `/` or `.`: 4-2-2 (year first) or 2-2-4 (year last). */
export function validDatePast(ptr: usize, len: usize): bool {
  const parts = partBuf;
  const widths = widthBuf;
  let k = 0;
  let v = 0;
  let digits = 0;
  for (let i: usize = 0; i <= len; i++) {
    const ch = i < len ? <u32>load<u8>(ptr + i) : 45;
    if (ch - 48 < 10) {
      v = v * 10 + <i32>(ch - 48);
      if (++digits > 4) return false;
    } else if (ch == 45 || ch == 47 || ch == 46) {
      if (digits == 0 || k == 3) return false;
      unchecked((parts[k] = v)); // k < 3 checked just above
      unchecked((widths[k] = digits));
      k++;
      v = 0;
      digits = 0;
    } else return false;
  }
  if (k != 3) return false;
  if (widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2) return dateOk(parts[0], parts[1], parts[2]);
  if (widths[0] <= 2 && widths[1] <= 2 && widths[2] == 4) return dateOk(parts[2], parts[0], parts[1]) || dateOk(parts[2], parts[1], parts[0]);
  return false;
}
const partBuf = new StaticArray<i32>(3);
const widthBuf = new StaticArray<i32>(3);
