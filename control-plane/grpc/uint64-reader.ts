// A protobufjs Reader whose uint64 fields decode to plain numbers while they fit in 49 bits (every
// timestamp, byte count, latency and event id in practice), and to protobufjs' Long only beyond.
// The stock reader builds a LongBits and a Long for each of them: a dozen objects per event that
// ingest turns back into numbers at once, and a large share of the garbage of a decoded batch.
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

/** A reader over `bytes` for `Type.decode`, numbers for small uint64 fields. */
export function uint64AsNumberReader(bytes: Uint8Array): protobuf.Reader {
  const reader = protobuf.Reader.create(bytes);
  // Typed as returning Long; every reader of the decoded batch (ingest/batch-unit.ts) takes both.
  (reader as unknown as { uint64: typeof uint64 }).uint64 = uint64;
  return reader;
}
