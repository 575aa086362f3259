// Masked previews of a decoded match (docs/detectors.md §8; rules.proto MaskStyle): what the
// dashboard may show. Kept bytes outside printable ASCII (0x21-0x7E) become `*`, so a preview is
// always ASCII and never carries a raw control or multi-byte sequence.

export const MASK_KEEP_ENDS: i32 = 1;
export const MASK_KEEP_LAST4: i32 = 2;
export const MASK_EMAIL: i32 = 3;
export const MASK_ALL: i32 = 4;
export const MASK_KEEP_PREFIX: i32 = 5;

/** Longest preview any style produces (EMAIL is truncated to 64). */
@inline export const MAX_PREVIEW: i32 = 64;
const preview = new StaticArray<u8>(MAX_PREVIEW);

// The preview is written straight into its destination with the length in a local: a module-level
// length would be a memory load and store per byte in V8, and a staging buffer a memory.copy (a
// call out of the wasm code) per finding.

/** `count` stars at out[len...], stopping at MAX_PREVIEW; the new length. */
@inline function stars(out: usize, len: i32, count: i32): i32 {
  const to = min(len + max(count, 0), MAX_PREVIEW);
  for (let i = len; i < to; i++) store<u8>(out + <usize>i, 42);
  return max(len, to);
}

/** m[from, to) at out[len...] with unprintable bytes as `*`, stopping at MAX_PREVIEW; the new length. */
@inline function keep(out: usize, len: i32, ptr: usize, from: i32, to: i32): i32 {
  const count = min(to - from, MAX_PREVIEW - len);
  for (let i = 0; i < count; i++) {
    const c = load<u8>(ptr + <usize>(from + i));
    store<u8>(out + <usize>(len + i), c >= 0x21 && c <= 0x7e ? c : 42);
  }
  return len + max(count, 0);
}

/** The masked preview of the decoded match [ptr, ptr+n) in `style` (proto MaskStyle number). */
export function maskPreview(style: i32, ptr: usize, n: i32): string {
  const len = maskPreviewInto(style, ptr, n, changetype<usize>(preview));
  return String.UTF8.decodeUnsafe(changetype<usize>(preview), <usize>len);
}

/**
 * maskPreview() as bytes (ASCII) at `out`, which has room for MAX_PREVIEW; returns how many. A
 * finding keeps them so (findings.ts): no string per finding, the event encoder copies the bytes.
 */
export function maskPreviewInto(style: i32, ptr: usize, n: i32, out: usize): i32 {
  if (style == MASK_KEEP_ENDS) {
    if (n <= 8) return stars(out, 0, n);
    const len = stars(out, keep(out, 0, ptr, 0, 4), min(n - 8, 12));
    return keep(out, len, ptr, n - 4, n);
  }
  if (style == MASK_KEEP_LAST4) {
    if (n <= 4) return stars(out, 0, n);
    return keep(out, stars(out, 0, min(n - 4, 12)), ptr, n - 4, n);
  }
  if (style == MASK_KEEP_PREFIX && n > 0) {
    let p = 4;
    for (let i = min(9, n) - 1; i >= 0; i--) {
      const c = load<u8>(ptr + i);
      if (c == 95 || c == 45) {
        p = i + 1;
        break;
      }
    }
    p = min(p, n - 1);
    return stars(out, keep(out, 0, ptr, 0, p), min(n - p, 8));
  }
  if (style == MASK_EMAIL) {
    const k = emailAt(ptr, n);
    // keep() and stars() stop at 64 bytes: the EMAIL truncation
    if (k >= 1) return keep(out, stars(out, keep(out, 0, ptr, 0, 1), 3), ptr, k, n);
  }
  return stars(out, 0, 8);
}

/** Index of the last `@`, or -1. */
function emailAt(ptr: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) if (load<u8>(ptr + i) == 64) return i;
  return -1;
}
