// The data section of a MaxMind DB file (format 2.0, "Output Data Section"): typed fields, each a
// control byte (type in the top 3 bits, an extended type in the next byte, payload size in the low
// 5 bits with 1–3 extra size bytes), then the payload, big-endian. Values already written are
// referred to by pointer (type 1) instead of being written again: whole records shared by many
// networks, and strings repeated across records (map keys, organisation names). Written from the
// public MaxMind DB File Format Specification.

/** An unsigned integer of an explicit MaxMind type (metadata fields have declared widths). */
export class MmdbUint {
  constructor(
    readonly bits: 16 | 32 | 64 | 128,
    readonly value: bigint,
  ) {
    if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${value} does not fit uint${bits}`);
  }
}

/** Plain numbers are uint32 when they are integers in range, doubles otherwise. */
export type MmdbValue = string | number | boolean | MmdbUint | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

export const uint16 = (n: number): MmdbUint => new MmdbUint(16, BigInt(n));
export const uint32 = (n: number): MmdbUint => new MmdbUint(32, BigInt(n));
export const uint64 = (n: number | bigint): MmdbUint => new MmdbUint(64, BigInt(n));

const TYPE = { pointer: 1, string: 2, double: 3, map: 7, array: 11, boolean: 14 } as const;
const UINT_TYPE = { 16: 5, 32: 6, 64: 9, 128: 10 } as const;

/** Pointer bases per size class (spec "Pointers": 11, 19 + 2048, 27 + 526336 bits, then 32 bits). */
const POINTER_BASE_1 = 2048;
const POINTER_BASE_2 = 526_336;
const POINTER_BASE_3 = 134_744_064;

/** The control byte(s) for a field of `type` whose size (bytes, or entries for maps and arrays) is `size`. */
export function controlBytes(type: number, size: number): number[] {
  if (size < 0 || size > 16_843_036) throw new RangeError(`field size ${size} out of range`);
  const head = type <= 7 ? type << 5 : 0;
  const ext = type <= 7 ? [] : [type - 7];
  if (size < 29) return [head | size, ...ext];
  if (size < 285) return [head | 29, ...ext, size - 29];
  if (size < 65_821) return [head | 30, ...ext, (size - 285) >> 8, (size - 285) & 255];
  const s = size - 65_821;
  return [head | 31, ...ext, s >> 16, (s >> 8) & 255, s & 255];
}

/** A pointer field to `offset` in the data section, in the shortest of the four size classes. */
export function pointerBytes(offset: number): number[] {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) throw new RangeError(`pointer ${offset} out of range`);
  const p = TYPE.pointer << 5;
  if (offset < POINTER_BASE_1) return [p | (offset >> 8), offset & 255];
  if (offset < POINTER_BASE_2) {
    const v = offset - POINTER_BASE_1;
    return [p | (1 << 3) | (v >> 16), (v >> 8) & 255, v & 255];
  }
  if (offset < POINTER_BASE_3) {
    const v = offset - POINTER_BASE_2;
    return [p | (2 << 3) | (v >> 24), (v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  return [p | (3 << 3), offset >>> 24, (offset >> 16) & 255, (offset >> 8) & 255, offset & 255];
}

function uintPayload(v: bigint): number[] {
  const out: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 255n));
  return out; // zero is the empty payload
}

/**
 * Appends fields to a growing data section and returns their offsets. With `dedupe`, a value
 * already written (same type and content) is not written again: `add` returns the first offset,
 * and inside maps and arrays a repeat becomes a pointer when that is shorter.
 */
export class MmdbDataWriter {
  private buf = Buffer.alloc(1 << 16);
  private len = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly dedupe = true) {}

  get size(): number {
    return this.len;
  }

  /** Writes `value` (or finds its earlier copy) and returns its offset in the data section. */
  add(value: MmdbValue): number {
    const key = this.dedupe ? identity(value) : '';
    const known = this.dedupe ? this.seen.get(key) : undefined;
    if (known !== undefined) return known;
    const offset = this.len;
    this.writeField(value);
    if (this.dedupe) this.seen.set(key, offset);
    return offset;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private writeField(v: MmdbValue): void {
    if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      this.push(controlBytes(TYPE.string, b.length));
      this.pushBuffer(b);
    } else if (typeof v === 'boolean') {
      this.push(controlBytes(TYPE.boolean, v ? 1 : 0));
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) this.writeUint(new MmdbUint(32, BigInt(v)));
      else {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(v);
        this.push(controlBytes(TYPE.double, 8));
        this.pushBuffer(b);
      }
    } else if (v instanceof MmdbUint) {
      this.writeUint(v);
    } else if (Array.isArray(v)) {
      this.push(controlBytes(TYPE.array, v.length));
      for (const x of v as readonly MmdbValue[]) this.writeMember(x);
    } else {
      const entries = Object.entries(v as { [key: string]: MmdbValue });
      this.push(controlBytes(TYPE.map, entries.length));
      for (const [k, x] of entries) {
        this.writeMember(k);
        this.writeMember(x);
      }
    }
  }

  /** A member of a map or array: a pointer to an earlier copy when one exists and is shorter. */
  private writeMember(v: MmdbValue): void {
    if (this.dedupe) {
      const key = identity(v);
      const known = this.seen.get(key);
      if (known !== undefined) {
        const ptr = pointerBytes(known);
        if (ptr.length < encodedLength(v)) return this.push(ptr);
      }
      // Remember members too (not only top-level records): keys and names recur across records.
      const offset = this.len;
      this.writeField(v);
      if (known === undefined) this.seen.set(key, offset);
      return;
    }
    this.writeField(v);
  }

  private writeUint(u: MmdbUint): void {
    const payload = uintPayload(u.value);
    this.push(controlBytes(UINT_TYPE[u.bits], payload.length));
    this.push(payload);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  private push(bytes: readonly number[]): void {
    this.reserve(bytes.length);
    for (const b of bytes) this.buf[this.len++] = b;
  }

  private pushBuffer(b: Buffer): void {
    this.reserve(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
}

/** A key that is equal for values that encode the same (type included: 5 and uint16(5) differ). */
function identity(v: MmdbValue): string {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v instanceof MmdbUint) return `u${v.bits}:${v.value}`;
  // Length-prefixed strings keep keys and values from running into each other.
  if (Array.isArray(v)) return `[${(v as readonly MmdbValue[]).map(identity).join('')}]`;
  let out = '{';
  for (const [k, x] of Object.entries(v as { [key: string]: MmdbValue })) out += `${k.length}:${k}${identity(x)}`;
  return `${out}}`;
}

/** Bytes `v` takes written inline without pointers: the cost a pointer to an earlier copy saves. */
function encodedLength(v: MmdbValue): number {
  if (typeof v === 'string') {
    const n = Buffer.byteLength(v, 'utf8');
    return controlBytes(TYPE.string, n).length + n;
  }
  if (typeof v === 'boolean') return 2; // extended type: control byte + type byte
  if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) return 9;
  if (typeof v === 'number' || v instanceof MmdbUint) {
    const u = v instanceof MmdbUint ? v : new MmdbUint(32, BigInt(v));
    return (u.bits <= 32 ? 1 : 2) + uintPayload(u.value).length;
  }
  if (Array.isArray(v)) {
    const items = v as readonly MmdbValue[];
    return items.reduce<number>((n, x) => n + encodedLength(x), controlBytes(TYPE.array, items.length).length);
  }
  const entries = Object.entries(v as { [key: string]: MmdbValue });
  return entries.reduce((n, [k, x]) => n + encodedLength(k) + encodedLength(x), controlBytes(TYPE.map, entries.length).length);
}
