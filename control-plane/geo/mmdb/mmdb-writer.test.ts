// The MaxMind DB writer, proved byte-exact against the examples of the public format specification
// and read back by the `maxmind` package the control plane uses: every field type and size class,
// pointers of every width, the three record widths, IPv4 at ::/96 and behind ::ffff:0:0/96.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from 'maxmind';
import { controlBytes, MmdbDataWriter, MmdbUint, pointerBytes, uint16, uint64, type MmdbValue } from './mmdb-data-encoder.ts';
import { writeMmdb, type MmdbRange } from './mmdb-writer.ts';

type Rec = Record<string, unknown>;

const read = (ranges: MmdbRange[], recordSize?: 24 | 28 | 32) => {
  const file = writeMmdb(ranges, {
    databaseType: 'Palisade-Test',
    description: 'test',
    buildEpoch: 1_767_225_600,
    ...(recordSize ? { recordSize } : {}),
  });
  return { file, reader: new Reader<Rec>(file.bytes) };
};

test('control bytes match the specification examples (sizes below 29, 29, 30 and 31; extended types)', () => {
  assert.deepEqual(controlBytes(2, 2), [0b01000010]);
  assert.deepEqual(controlBytes(2, 28), [0b01011100]);
  assert.deepEqual(controlBytes(6, 1), [0b11000001]);
  assert.deepEqual(controlBytes(10, 3), [0b00000011, 0b00000011], 'uint128, 3 bytes');
  assert.deepEqual(controlBytes(2, 80), [0b01011101, 0b00110011]);
  assert.deepEqual(controlBytes(2, 13_392), [0b01011110, 0b00110011, 0b00110011]);
  assert.deepEqual(controlBytes(2, 3_421_264), [0b01011111, 0b00110011, 0b00110011, 0b00110011]);
  assert.deepEqual(controlBytes(11, 0), [0, 4], 'an empty array: type byte 11 - 7');
  assert.throws(() => controlBytes(2, 16_843_037), RangeError);
});

test('pointers take the shortest of the four size classes, at each class boundary', () => {
  assert.deepEqual(pointerBytes(0), [0x20, 0x00]);
  assert.deepEqual(pointerBytes(2047), [0x27, 0xff]);
  assert.deepEqual(pointerBytes(2048), [0x28, 0x00, 0x00]);
  assert.deepEqual(pointerBytes(526_335), [0x2f, 0xff, 0xff]);
  assert.deepEqual(pointerBytes(526_336), [0x30, 0x00, 0x00, 0x00]);
  assert.deepEqual(pointerBytes(134_744_063), [0x37, 0xff, 0xff, 0xff]);
  assert.deepEqual(pointerBytes(134_744_064), [0x38, 0x08, 0x08, 0x08, 0x00]);
  assert.throws(() => pointerBytes(2 ** 32), RangeError);
});

test('every value type and size class reads back through maxmind', () => {
  const record: { [k: string]: MmdbValue } = {
    empty: '',
    s28: 'a'.repeat(28),
    s29: 'b'.repeat(29),
    s284: 'c'.repeat(284),
    s285: 'd'.repeat(285),
    s65820: 'e'.repeat(65_820),
    s65821: 'f'.repeat(65_821),
    unicode: 'Zürich — 東京',
    zero: 0,
    u32: 0xffffffff,
    u16: uint16(65_535),
    u64: uint64(2n ** 64n - 1n),
    u128: new MmdbUint(128, 2n ** 127n + 5n),
    double: -1.5,
    yes: true,
    no: false,
    list: ['x', 1, ['nested']],
    map: { inner: { deeper: 'ok' } },
    noEntries: {},
  };
  const { reader } = read([{ start: 0x08080800n, end: 0x080808ffn, record }]);
  const got = reader.get('8.8.8.8')!;
  assert.deepEqual(got, { ...record, u16: 65_535, u64: 2n ** 64n - 1n, u128: 2n ** 127n + 5n });
});

test('equal records are stored once and repeated strings become pointers, at offsets past every pointer boundary', () => {
  const ranges: MmdbRange[] = [];
  // Unique 1 KiB names push the data section past 526336 bytes, so later repeats need 3-byte pointers.
  for (let i = 0; i < 700; i++)
    ranges.push({ start: BigInt(i) << 8n, end: (BigInt(i) << 8n) + 255n, record: { name: `${i}`.padEnd(1024, '.') } });
  const late = 700n << 8n;
  ranges.push({ start: late, end: late + 255n, record: { name: 'shared organisation', id: 1 } });
  ranges.push({ start: late + 256n, end: late + 511n, record: { name: 'shared organisation', id: 2 } });
  ranges.push({ start: late + 512n, end: late + 767n, record: { name: 'shared organisation', id: 1 } });
  const { file, reader } = read(ranges);
  assert.ok(file.dataSize > 526_336 && file.dataSize < 700 * 1040 + 200, `data section ${file.dataSize} bytes: names written once`);
  assert.equal(reader.get('0.0.1.7')?.name, '1'.padEnd(1024, '.'));
  assert.deepEqual(reader.get('0.2.188.1'), { name: 'shared organisation', id: 1 });
  assert.deepEqual(reader.get('0.2.189.1'), { name: 'shared organisation', id: 2 });
  assert.deepEqual(reader.get('0.2.190.1'), { name: 'shared organisation', id: 1 });

  const w = new MmdbDataWriter();
  const first = w.add({ organisation: 'value', k: 1 });
  assert.equal(w.add({ organisation: 'value', k: 1 }), first, 'an equal record is the same offset');
  const sizeBefore = w.size;
  w.add({ organisation: 'other', k: 1 });
  // map control byte + 2-byte pointer to the key + "other" (1 + 5) + pointer-or-inline k (2) + 1 (2)
  assert.equal(w.size - sizeBefore, 1 + 2 + 6 + 2 + 2, 'the repeated long key is a pointer; a short one is as cheap inline');
});

test('IPv4 ranges answer for a.b.c.d and ::ffff:a.b.c.d, IPv6 ranges for themselves; gaps and range ends are exact', () => {
  const ranges: MmdbRange[] = [
    { start: 0x01000000n, end: 0x010000ffn, record: { n: 1 } }, // 1.0.0.0/24
    { start: 0x01000105n, end: 0x01000203n, record: { n: 2 } }, // 1.0.1.5 – 1.0.2.3, not aligned
    { start: 0x20010db8n << 96n, end: (0x20010db8n << 96n) + (1n << 80n) - 1n, record: { n: 3 } }, // 2001:db8::/48
    { start: 0x20010db80001n << 80n, end: 0x20010db80001n << 80n, record: { n: 4 } }, // one address
  ];
  for (const size of [24, 28, 32] as const) {
    const { file, reader } = read(ranges, size);
    assert.equal(file.recordSize, size);
    const n = (ip: string) => reader.get(ip)?.n ?? null;
    assert.deepEqual(
      ['1.0.0.0', '1.0.0.255', '1.0.1.4', '1.0.1.5', '1.0.2.3', '1.0.2.4', '::ffff:1.0.0.7', '::ffff:1.0.1.4', '::1.0.0.7'].map(n),
      [1, 1, null, 2, 2, null, 1, null, 1],
      `IPv4 (${size}-bit records)`,
    );
    assert.deepEqual(
      ['2001:db8::', '2001:db8:0:ffff:ffff:ffff:ffff:ffff', '2001:db8:1::', '2001:db8:1::1', '2001:db8:2::', '::'].map(n),
      [3, 3, 4, null, null, null],
      `IPv6 (${size}-bit records)`,
    );
  }
  assert.equal(read(ranges).file.recordSize, 24, 'the narrowest record that fits');
  assert.throws(() => read([{ start: 0n, end: (1n << 128n) - 1n, record: 'x'.repeat(2 ** 24) }], 24), RangeError);
});

test('metadata says what the database is', () => {
  const { reader, file } = read([{ start: 0n, end: 0xffffffffn, record: 'all of IPv4' }]);
  assert.equal(reader.get('203.0.113.9'), 'all of IPv4');
  assert.equal(reader.get('2001:db8::1'), null);
  const m = reader.metadata;
  assert.deepEqual(
    [
      m.ipVersion,
      m.databaseType,
      m.nodeCount,
      m.recordSize,
      m.binaryFormatMajorVersion,
      m.binaryFormatMinorVersion,
      m.buildEpoch.toISOString(),
    ],
    [6, 'Palisade-Test', file.nodeCount, 24, 2, 0, '2026-01-01T00:00:00.000Z'],
  );
  assert.deepEqual(m.description, { en: 'test' });
});
