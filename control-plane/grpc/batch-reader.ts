// The protobufjs Reader ingest decodes ReportBatch bytes with. Two departures from the stock one,
// both about the objects a decoded batch leaves behind (a large share of the control plane's
// garbage-collection work under load, as a batch's rows wait in memory for their commit):
// - uint64 fields decode to plain numbers while they fit in 49 bits (every timestamp, byte count,
//   latency and event id in practice), to protobufjs' Long only beyond; the stock reader builds a
//   LongBits and a Long for each of them, a dozen objects per event that ingest turns back into
//   numbers at once;
// - short ASCII strings come from a small cache of the last ones seen: most strings of an event
//   repeat from event to event (host, method, client address, user agent, field paths, formats,
//   finding types), so a hit is the same string again instead of a new one to decode and keep.
import protobuf from 'protobufjs';

const stockUint64 = protobuf.Reader.prototype.uint64;
/** Varint bytes read as a number before falling back: 7 × 7 = 49 bits, far below 2^53. */
const NUMBER_BYTES = 7;

function uint64(this: protobuf.Reader): number | protobuf.Long {
  const buf = this.buf;
  let pos = this.pos;
  let value = 0;
  let mul = 1;
  for (let i = 0; i < NUMBER_BYTES && pos < this.len; i++) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      this.pos = pos;
      return value;
    }
    mul *= 128;
  }
  // Longer (or truncated: the stock reader reports it): the stock path from the same position.
  return stockUint64.call(this);
}

/** Strings cached: ASCII only (a byte is a char code, so a hit is checked byte against char). */
const CACHED_MAX_BYTES = 48;
const CACHE_BITS = 12;
/** Direct-mapped by a hash of the bytes: a collision just replaces the entry. */
const cache: (string | undefined)[] = new Array<string | undefined>(1 << CACHE_BITS).fill(undefined);

/** The string the reader's own class decodes (BufferReader: Buffer's UTF-8, replacement characters included). */
function stockString(reader: protobuf.Reader): string {
  return (Object.getPrototypeOf(reader) as protobuf.Reader).string.call(reader);
}

function string(this: protobuf.Reader): string {
  const start = this.pos;
  const len = this.uint32();
  const from = this.pos;
  const buf = this.buf;
  if (len === 0 || len > CACHED_MAX_BYTES || from + len > this.len) {
    this.pos = start;
    return stockString(this);
  }
  const end = from + len;
  let h = len;
  let high = 0;
  for (let i = from; i < end; i++) {
    const b = buf[i]!;
    high |= b;
    h = Math.imul(h ^ b, 0x01000193);
  }
  if (high >= 0x80) {
    // Not ASCII: decoded as UTF-8 by the stock reader, and not cached.
    this.pos = start;
    return stockString(this);
  }
  this.pos = end;
  const slot = (h >>> (32 - CACHE_BITS)) ^ (h & ((1 << CACHE_BITS) - 1));
  const seen = cache[slot];
  if (seen !== undefined && seen.length === len) {
    let same = true;
    for (let i = 0; i < len && same; i++) same = seen.charCodeAt(i) === buf[from + i];
    if (same) return seen;
  }
  const s = latin1(buf, from, end);
  cache[slot] = s;
  return s;
}

/** ASCII bytes as a string (a Buffer's native slice when the reader is over one). */
function latin1(buf: Uint8Array, from: number, end: number): string {
  // latin1Slice: Buffer's undocumented native slice that toString('latin1') calls, minus the checks.
  const b = buf as Uint8Array & { latin1Slice?: (start: number, end: number) => string };
  return typeof b.latin1Slice === 'function' ? b.latin1Slice(from, end) : String.fromCharCode(...buf.subarray(from, end));
}

/** A reader over `bytes` for `Type.decode`: numbers for small uint64 fields, short strings shared. */
export function batchReader(bytes: Uint8Array): protobuf.Reader {
  const reader = protobuf.Reader.create(bytes);
  // Typed as returning Long; every reader of the decoded batch (ingest/batch-unit.ts) takes both.
  const r = reader as unknown as { uint64: typeof uint64; string: typeof string };
  r.uint64 = uint64;
  r.string = string;
  return reader;
}
