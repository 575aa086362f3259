// Writes a MaxMind DB file (format 2.0): search tree, 16 zero bytes, data section, then the
// metadata marker "\xAB\xCD\xEFMaxMind.com" and the metadata map. Always an IPv6 tree (ip_version 6):
// IPv4 networks sit at ::a.b.c.d/(96 + n), where readers look IPv4 addresses up, and
// ::ffff:0:0/96 (IPv4-mapped addresses) leads to the same subtree.
import { MmdbDataWriter, uint16, uint32, uint64, type MmdbValue } from './mmdb-data-encoder.ts';
import { ip128, rangeToCidrs } from './ip-range-cidrs.ts';
import { MmdbSearchTree, type RecordSize } from './mmdb-search-tree.ts';

/** One inclusive range of the 128-bit space (IPv4 as ::a.b.c.d) and the record its addresses answer. */
export interface MmdbRange {
  start: bigint;
  end: bigint;
  record: MmdbValue;
}

export interface MmdbWriteOptions {
  /** Names the record layout (metadata database_type); "GeoIP…" is reserved to MaxMind. */
  databaseType: string;
  description: string;
  /** Seconds since the epoch (metadata build_epoch). */
  buildEpoch: number;
  /** Wider records than needed (tests prove every width reads back). */
  recordSize?: RecordSize;
}

export interface MmdbFile {
  bytes: Buffer;
  nodeCount: number;
  recordSize: RecordSize;
  dataSize: number;
  /** CIDR blocks the ranges became. */
  networks: number;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')]);
const DATA_SECTION_SEPARATOR = Buffer.alloc(16);
const IPV4_IN_IPV6 = ip128(0n);
const IPV4_MAPPED = ip128(0xffffn << 32n);

/**
 * Builds the file from ranges that do not overlap (a later range's blocks replace an earlier one's
 * where they do). Equal records are stored once and shared.
 */
export function writeMmdb(ranges: Iterable<MmdbRange>, opts: MmdbWriteOptions): MmdbFile {
  const data = new MmdbDataWriter();
  const tree = new MmdbSearchTree();
  let networks = 0;
  let anyIpv4 = false;
  for (const r of ranges) {
    if (r.start > r.end) continue;
    anyIpv4 ||= r.start < 1n << 32n;
    const offset = data.add(r.record);
    rangeToCidrs(ip128(r.start), ip128(r.end), (start, len) => {
      tree.insert(start, len, offset);
      networks++;
    });
  }
  if (anyIpv4) tree.alias(IPV4_MAPPED, IPV4_IN_IPV6, 96);
  const recordSize = opts.recordSize ?? tree.recordSizeFor(data.size);
  if (recordSize < tree.recordSizeFor(data.size)) throw new RangeError(`record size ${recordSize} is too small for this tree`);
  const metadata = new MmdbDataWriter(false);
  metadata.add({
    node_count: uint32(tree.nodeCount),
    record_size: uint16(recordSize),
    ip_version: uint16(6),
    database_type: opts.databaseType,
    languages: ['en'],
    binary_format_major_version: uint16(2),
    binary_format_minor_version: uint16(0),
    build_epoch: uint64(opts.buildEpoch),
    description: { en: opts.description },
  });
  const bytes = Buffer.concat([tree.serialize(recordSize), DATA_SECTION_SEPARATOR, data.bytes(), METADATA_MARKER, metadata.bytes()]);
  return { bytes, nodeCount: tree.nodeCount, recordSize, dataSize: data.size, networks };
}
