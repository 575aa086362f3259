// A minimal MaxMind DB (format 2.0) writer for tests: IPv4 trees, 24-bit records, maps of strings
// and unsigned integers. It lets tests build a small ASN database with known answers instead of
// depending on the contents of a real one. Layout: search tree, 16 zero bytes, data section,
// metadata marker and metadata map (MaxMind DB spec "Database Format").

type Value = string | number | boolean | Value[] | { [k: string]: Value };

function ctrl(type: number, size: number): Buffer {
  const ext = type > 7;
  const head = ext ? 0 : type << 5;
  let sizeBytes: number[] = [];
  let sizeField = size;
  if (size >= 65_821) {
    sizeField = 31;
    const s = size - 65_821;
    sizeBytes = [(s >> 16) & 255, (s >> 8) & 255, s & 255];
  } else if (size >= 285) {
    sizeField = 30;
    const s = size - 285;
    sizeBytes = [(s >> 8) & 255, s & 255];
  } else if (size >= 29) {
    sizeField = 29;
    sizeBytes = [size - 29];
  }
  return Buffer.from([head | sizeField, ...(ext ? [type - 7] : []), ...sizeBytes]);
}

function uintBytes(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  while (v > 0n) {
    out.unshift(Number(v & 255n));
    v >>= 8n;
  }
  return Buffer.from(out);
}

export function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([ctrl(2, b.length), b]);
  }
  if (typeof v === 'boolean') return ctrl(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v);
      return Buffer.concat([ctrl(3, 8), b]);
    }
    const b = uintBytes(v);
    return Buffer.concat([ctrl(v <= 0xffffffff ? 6 : 9, b.length), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encode)]);
  const entries = Object.entries(v);
  return Buffer.concat([ctrl(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

function typed(key: string, v: number): Buffer {
  // Metadata integer fields have declared types (uint16 / uint32 / uint64).
  const b = uintBytes(v);
  const type = key === 'build_epoch' ? 9 : key === 'node_count' ? 6 : 5;
  return Buffer.concat([ctrl(type, b.length), b]);
}

/** Builds an IPv4 database from `cidr → record`. */
export function writeMmdb(databaseType: string, networks: Record<string, Record<string, Value>>): Buffer {
  interface Node {
    left: Node | number | null;
    right: Node | number | null;
  }
  const root: Node = { left: null, right: null };
  const data: Buffer[] = [];
  let dataLen = 0;
  for (const [cidr, rec] of Object.entries(networks)) {
    const [ip, bitsRaw] = cidr.split('/');
    const bits = Number(bitsRaw);
    const p = (ip as string).split('.').map(Number);
    const addr = (((p[0] as number) << 24) | ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number)) >>> 0;
    const offset = dataLen;
    const enc = encode(rec);
    data.push(enc);
    dataLen += enc.length;
    let n = root;
    for (let i = 0; i < bits; i++) {
      const bit = (addr >>> (31 - i)) & 1;
      const side = bit ? 'right' : 'left';
      if (i === bits - 1) n[side] = -(offset + 1);
      else {
        let next = n[side];
        if (next === null || typeof next === 'number') n[side] = next = { left: null, right: null };
        n = next as Node;
      }
    }
  }
  const nodes: Node[] = [];
  const index = new Map<Node, number>();
  const walk = (n: Node): void => {
    index.set(n, nodes.length);
    nodes.push(n);
    for (const c of [n.left, n.right]) if (c && typeof c === 'object') walk(c);
  };
  walk(root);
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    [n.left, n.right].forEach((c, side) => {
      // Record values: < count → node; == count → no data; > count → data at value - count - 16.
      const v = c === null ? count : typeof c === 'number' ? count + 16 + (-c - 1) : (index.get(c) as number);
      tree.writeUIntBE(v, i * 6 + side * 3, 3);
    });
  });
  const meta: [string, Buffer][] = [
    ['node_count', typed('node_count', count)],
    ['record_size', typed('record_size', 24)],
    ['ip_version', typed('ip_version', 4)],
    ['database_type', encode(databaseType)],
    ['languages', encode(['en'])],
    ['binary_format_major_version', typed('x', 2)],
    ['binary_format_minor_version', typed('x', 0)],
    ['build_epoch', typed('build_epoch', 1_767_225_600)],
    ['description', encode({ en: 'Palisade test database' })],
  ];
  const metaMap = Buffer.concat([ctrl(7, meta.length), ...meta.flatMap(([k, b]) => [encode(k), b])]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), metaMap]);
}
