// The binary search tree of a MaxMind DB file (format 2.0, "Binary Search Tree Section") over the
// 128-bit IPv6 space: one level per address bit, two records per node (left = bit 0, right = bit 1),
// each record a node number, "no data" (= node count) or node count + 16 + an offset in the data
// section. Records are held in an Int32Array while building: > 0 a node (node 0, the root, is never
// anyone's child), 0 no data, < 0 data at offset -(r + 1).
import { bitAt, type Ip128 } from './ip-range-cidrs.ts';

/** Record widths the format defines (and `maxmind` reads): 24, 28 or 32 bits. */
export type RecordSize = 24 | 28 | 32;

const DATA_SECTION_SEPARATOR = 16;

export class MmdbSearchTree {
  private rec = new Int32Array(1 << 16);
  private count = 1;

  get nodeCount(): number {
    return this.count;
  }

  /** Points the block `start/prefixLength` at data-section offset `dataOffset` (later inserts win). */
  insert(start: Ip128, prefixLength: number, dataOffset: number): void {
    if (prefixLength === 0) {
      // ::/0 has no record of its own: it is both halves of the root.
      this.rec[0] = this.rec[1] = -(dataOffset + 1);
      return;
    }
    this.rec[this.slot(start, prefixLength)] = -(dataOffset + 1);
  }

  /**
   * Makes the block `alias/prefixLength` answer exactly as `target/prefixLength` does, by pointing its
   * record at the same node or data (the tree becomes a DAG, which the lookup algorithm allows).
   */
  alias(alias: Ip128, target: Ip128, prefixLength: number): void {
    this.rec[this.slot(alias, prefixLength)] = this.rec[this.slot(target, prefixLength)]!;
  }

  /** Index in `rec` of the record reached by the first `len` bits of `w`, creating nodes on the way. */
  private slot(w: Ip128, len: number): number {
    let node = 0;
    for (let depth = 0; depth < len - 1; depth++) {
      const idx = 2 * node + bitAt(w, depth);
      let r = this.rec[idx]!;
      if (r <= 0) {
        // Going below a leaf: the new node's halves inherit it (no data, or the wider block's data).
        r = this.newNode(r);
        this.rec[idx] = r;
      }
      node = r;
    }
    return 2 * node + bitAt(w, len - 1);
  }

  private newNode(inherit: number): number {
    if (2 * this.count + 2 > this.rec.length) {
      const grown = new Int32Array(this.rec.length * 2);
      grown.set(this.rec);
      this.rec = grown;
    }
    const id = this.count++;
    this.rec[2 * id] = this.rec[2 * id + 1] = inherit;
    return id;
  }

  /** The smallest record size that can address every node and every byte of a `dataSize` data section. */
  recordSizeFor(dataSize: number): RecordSize {
    const largest = this.count + DATA_SECTION_SEPARATOR + dataSize;
    if (largest < 2 ** 24) return 24;
    if (largest < 2 ** 28) return 28;
    if (largest < 2 ** 32) return 32;
    throw new RangeError(`tree of ${this.count} nodes and ${dataSize} bytes of data exceeds 32-bit records`);
  }

  /** The tree section's bytes (spec "Node Layout"; big-endian records). */
  serialize(recordSize: RecordSize): Buffer {
    const n = this.count;
    const nodeBytes = recordSize / 4;
    const out = Buffer.alloc(n * nodeBytes);
    const value = (r: number): number => (r > 0 ? r : r === 0 ? n : n + DATA_SECTION_SEPARATOR + (-r - 1));
    for (let i = 0; i < n; i++) {
      const left = value(this.rec[2 * i]!);
      const right = value(this.rec[2 * i + 1]!);
      const o = i * nodeBytes;
      if (recordSize === 24) {
        out.writeUIntBE(left, o, 3);
        out.writeUIntBE(right, o + 3, 3);
      } else if (recordSize === 28) {
        // The high 4 bits of each record share the middle byte: left's high nibble, then right's.
        out.writeUIntBE(left & 0xffffff, o, 3);
        out[o + 3] = ((left >>> 24) << 4) | (right >>> 24);
        out.writeUIntBE(right & 0xffffff, o + 4, 3);
      } else {
        out.writeUInt32BE(left, o);
        out.writeUInt32BE(right, o + 4);
      }
    }
    return out;
  }
}
