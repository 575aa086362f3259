// A small LZ77 byte format for data embedded in palisade.wasm (the built-in RuleSet): the module
// size counts (issue 7, < 256 KiB) and the RuleSet's tables are repetitive. Unpacked once at VM
// start by wasm-filter/assembly/rules/lz-unpack.ts.
//
// Format: varint(unpacked size), then tokens until the end of input:
//   varint(L) and L literal bytes; then, unless the input ends there, varint(M - 4) and varint(D):
//   copy M bytes from D bytes back in the output (D >= 1; the copy may overlap what it writes).
// Varints are LEB128 (7 bits a byte, low first), as in protobuf.

const MIN_MATCH = 4;
const HASH_BITS = 16;
// How many earlier positions with the same 4-byte hash are tried: more packs tighter, slower.
const MAX_CHAIN = 256;

function pushVarint(out, v) {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/** @param {Uint8Array} src @returns {Uint8Array} */
export function lzPack(src) {
  const out = [];
  pushVarint(out, src.length);
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(src.length);
  const hash = (i) => Math.imul(src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24), 2654435761) >>> (32 - HASH_BITS);
  const insert = (i) => {
    if (i + MIN_MATCH > src.length) return;
    const h = hash(i);
    prev[i] = head[h];
    head[h] = i;
  };
  const literals = (from, to) => {
    pushVarint(out, to - from);
    for (let k = from; k < to; k++) out.push(src[k]);
  };
  /** Longest earlier match at i: [length, distance]. */
  const longest = (i) => {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH > src.length) return [0, 0];
    const max = src.length - i;
    for (let c = head[hash(i)], chain = MAX_CHAIN; c >= 0 && chain > 0; c = prev[c], chain--) {
      let l = 0;
      while (l < max && src[c + l] === src[i + l]) l++;
      if (l > bestLen) {
        bestLen = l;
        bestDist = i - c;
        if (l === max) break;
      }
    }
    return [bestLen, bestDist];
  };
  let pending = 0; // first byte not yet written
  let i = 0;
  while (i < src.length) {
    const [len, dist] = longest(i);
    if (len < MIN_MATCH) {
      insert(i++);
      continue;
    }
    // Lazy matching: a longer match one byte later is worth a literal now.
    insert(i);
    const [nextLen] = longest(i + 1);
    if (nextLen > len + 1) {
      i++;
      continue;
    }
    literals(pending, i);
    pushVarint(out, len - MIN_MATCH);
    pushVarint(out, dist);
    for (let k = 1; k < len; k++) insert(i + k);
    i += len;
    pending = i;
  }
  literals(pending, src.length);
  return Uint8Array.from(out);
}

/** The inverse of lzPack (for tests and tools); throws on malformed input. @param {Uint8Array} src */
export function lzUnpack(src) {
  let i = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (i >= src.length || shift > 28) throw new Error('lz: truncated varint');
      const b = src[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  const out = new Uint8Array(varint());
  let o = 0;
  while (i < src.length) {
    const l = varint();
    if (l > src.length - i || l > out.length - o) throw new Error('lz: literals past the end');
    out.set(src.subarray(i, i + l), o);
    i += l;
    o += l;
    if (i === src.length) break;
    const m = varint() + MIN_MATCH;
    const d = varint();
    if (d === 0 || d > o || m > out.length - o) throw new Error('lz: bad match');
    for (let k = 0; k < m; k++, o++) out[o] = out[o - d];
  }
  if (o !== out.length) throw new Error('lz: size mismatch');
  return out;
}
