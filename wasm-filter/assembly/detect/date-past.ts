// Dates of birth: a candidate must be a calendar date that exists, not before 1900, and strictly
// before "today" (yyyymmdd, set by the caller from the host clock; 0 = unknown, then only the
// calendar and the 1900 floor are checked). Formats: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD and
// D/M/Y or M/D/Y with `/`, `-` or `.` (either day-month order is accepted: it is a plausibility
// check, not a parser).

@inline function isLeap(y: i32): bool {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

function dateOk(y: i32, m: i32, d: i32, today: i32): bool {
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return false;
  return today == 0 || y * 10000 + m * 100 + d < today;
}

/** Candidate [ptr, ptr+len) as three numeric parts separated by one of `-`, `/`, `.`. */
export function validDatePast(ptr: usize, len: usize, today: i32): bool {
  let parts = 0;
  let a = 0;
  let b = 0;
  let c = 0;
  let v = 0;
  let digits = 0;
  let widthA = 0;
  for (let i: usize = 0; i <= len; i++) {
    const ch = i < len ? <u32>load<u8>(ptr + i) : 45;
    if (ch - 48 < 10) {
      v = v * 10 + <i32>(ch - 48);
      if (++digits > 4) return false;
    } else if (ch == 45 || ch == 47 || ch == 46) {
      if (digits == 0) return false;
      if (parts == 0) {
        a = v;
        widthA = digits;
      } else if (parts == 1) b = v;
      else if (parts == 2) c = v;
      else return false;
      parts++;
      v = 0;
      digits = 0;
    } else if (ch != 32) return false;
  }
  if (parts != 3) return false;
  if (widthA == 4) return dateOk(a, b, c, today);
  return dateOk(c, a, b, today) || dateOk(c, b, a, today);
}
