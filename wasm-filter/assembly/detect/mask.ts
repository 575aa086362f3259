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
let previewLen: i32 = 0;

@inline function star(): void {
  if (previewLen < MAX_PREVIEW) unchecked((preview[previewLen++] = 42)); // index < MAX_PREVIEW just checked
}

@inline function stars(count: i32): void {
  for (let i = 0; i < count; i++) star();
}

/** Copies m[from, to) with unprintable bytes as `*`. */
function keep(ptr: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const c = load<u8>(ptr + i);
    if (previewLen >= MAX_PREVIEW) return;
    unchecked((preview[previewLen++] = c >= 0x21 && c <= 0x7e ? c : 42)); // previewLen < MAX_PREVIEW
  }
}

/** The masked preview of the decoded match [ptr, ptr+n) in `style` (proto MaskStyle number). */
export function maskPreview(style: i32, ptr: usize, n: i32): string {
  fillPreview(style, ptr, n);
  return String.UTF8.decodeUnsafe(changetype<usize>(preview), <usize>previewLen);
}

/**
 * maskPreview() as bytes (ASCII) at `out`, which has room for MAX_PREVIEW; returns how many. A
 * finding keeps them so (findings.ts): no string per finding, the event encoder copies the bytes.
 */
export function maskPreviewInto(style: i32, ptr: usize, n: i32, out: usize): i32 {
  fillPreview(style, ptr, n);
  memory.copy(out, changetype<usize>(preview), <usize>previewLen);
  return previewLen;
}

function fillPreview(style: i32, ptr: usize, n: i32): void {
  previewLen = 0;
  if (style == MASK_KEEP_ENDS) {
    if (n <= 8) stars(n);
    else {
      keep(ptr, 0, 4);
      stars(min(n - 8, 12));
      keep(ptr, n - 4, n);
    }
  } else if (style == MASK_KEEP_LAST4) {
    if (n <= 4) stars(n);
    else {
      stars(min(n - 4, 12));
      keep(ptr, n - 4, n);
    }
  } else if (style == MASK_KEEP_PREFIX && n > 0) {
    let p = 4;
    for (let i = min(9, n) - 1; i >= 0; i--) {
      const c = load<u8>(ptr + i);
      if (c == 95 || c == 45) {
        p = i + 1;
        break;
      }
    }
    p = min(p, n - 1);
    keep(ptr, 0, p);
    stars(min(n - p, 8));
  } else if (style == MASK_EMAIL && emailAt(ptr, n) >= 1) {
    const k = emailAt(ptr, n);
    keep(ptr, 0, 1);
    stars(3);
    keep(ptr, k, n); // keep() and star() stop at 64 bytes: the EMAIL truncation
  } else stars(8);
}

/** Index of the last `@`, or -1. */
function emailAt(ptr: usize, n: i32): i32 {
  for (let i = n - 1; i >= 0; i--) if (load<u8>(ptr + i) == 64) return i;
  return -1;
}
