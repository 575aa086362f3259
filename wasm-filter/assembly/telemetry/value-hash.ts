// Value hashes for "Enums from runtime" (docs/posture.md): FieldShape/Parameter.value_hash of a
// token-like string (1-32 bytes of `A-Z a-z 0-9 _ . : -`, no recognised format) is SipHash-2-4
// under the deployment's hash_key over `location byte, field path, 0x00, value`; the literal value
// goes along only when the control plane released that hash for the exchange's endpoint
// (RuleSet.value_releases). Shared vectors: test/vectors/value-hash/.
//
// One body or parameter list is hashed at a time (callbacks never nest): the exchange at work
// sets the key, location and its releases with beginValues(), and the collectors call
// valueHashOf() for the first value of each field.
import { siphash24 } from "../detect/siphash";

/** Location bytes of the hashed message. */
export const VALUE_QUERY: u8 = 0x71; // `q`
export const VALUE_REQUEST: u8 = 0x69; // `i`
export const VALUE_RESPONSE: u8 = 0x6f; // `o`

// @ts-ignore: decorator
@inline const MAX_VALUE: usize = 32;
// @ts-ignore: decorator
@inline const MAX_PATH: i32 = 256;

/** location, path (ASCII, at most MAX_PATH), 0x00, value (at most MAX_VALUE). */
const message: usize = memory.data(1 + MAX_PATH + 1 + <i32>MAX_VALUE);
let key0: u64 = 0;
let key1: u64 = 0;
/** 0: hash nothing (no hash_key, or not wanted). */
let location: u8 = 0;
/** Released hashes of the endpoints the exchange matches (each ascending), or null for none. */
let releases: Array<Array<u64>> | null = null;
/** The literal of the last hashed value, when released; "" otherwise. */
export let releasedValue: string = "";
/**
 * Changes whenever beginValues() changes what a value at a given location hashes to or releases
 * (the key or the releases; an exchange moves between locations, which alone changes nothing), so
 * a caller may keep hashes it made at one location under the same context.
 */
export let valuesContext: u32 = 0;

/**
 * Hash under (k0, k1) at `where` from now on; nothing under the all-zero key (anyone could confirm
 * a guessed value with it) or when `where` is 0.
 */
export function beginValues(k0: u64, k1: u64, where: u8, released: Array<Array<u64>> | null): void {
  if (k0 != key0 || k1 != key1 || released !== releases) valuesContext++;
  key0 = k0;
  key1 = k1;
  location = (k0 | k1) != 0 ? where : 0;
  releases = released;
}

/** Is [p, p+n) 1..MAX_VALUE token bytes? */
function tokenLike(p: usize, n: usize): bool {
  if (n - 1 >= MAX_VALUE) return false; // n == 0 wraps
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    const letter = (c | 0x20) - 0x61 < 26;
    const digitOrPunct = c - 0x2d < 14 && c != 0x2f; // `-` `.` 0-9 `:` (0x2d-0x3a without `/`)
    if (!letter && !digitOrPunct && c != 0x5f) return false;
  }
  return true;
}

/**
 * value_hash of the value [p, p+n) (its format already found empty) under field `path`, or 0 when
 * none is sent: hashing off, not token-like, or a path over MAX_PATH units or not ASCII. Sets
 * releasedValue to the value when the hash is released, else "".
 */
export function valueHashOf(path: string, p: usize, n: usize): u64 {
  releasedValue = "";
  if (location == 0 || !tokenLike(p, n)) return 0;
  const units = path.length;
  if (units > MAX_PATH) return 0;
  store<u8>(message, location);
  const src = changetype<usize>(path);
  for (let i = 0; i < units; i++) {
    const u = <u32>load<u16>(src + (<usize>i << 1)); // i < path.length
    if (u > 0x7f) return 0;
    store<u8>(message + 1 + <usize>i, <u8>u);
  }
  const v = message + 2 + <usize>units;
  store<u8>(v - 1, 0);
  memory.copy(v, p, n);
  const h = siphash24(key0, key1, message, 2 + <usize>units + n);
  if (isReleased(h)) releasedValue = String.UTF8.decodeUnsafe(p, n);
  return h;
}

function isReleased(h: u64): bool {
  const lists = releases;
  if (lists === null) return false;
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    // Binary search over the ascending list (rules-decode.ts refuses one out of order).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = unchecked(list[mid]); // lo <= mid < hi <= list.length
      if (x == h) return true;
      if (x < h) lo = mid + 1;
      else hi = mid;
    }
  }
  return false;
}
