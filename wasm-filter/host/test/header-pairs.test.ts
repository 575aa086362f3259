// The pairs serialization byte for byte (spec "Serialization", cpp-host pairs_util.cc, notes §3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairsEncoder, parsePairs, serializePairs } from '../header-pairs.ts';
import { HeaderMap } from '../header-map.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const CASES: { name: string; pairs: [string, string][]; bytes: string }[] = [
  {
    name: '{"a":"1","bb":"22"} (notes §5 golden vector)',
    pairs: [
      ['a', '1'],
      ['bb', '22'],
    ],
    bytes: '02000000' + '01000000' + '01000000' + '02000000' + '02000000' + '61003100' + '626200323200',
  },
  { name: 'one empty value', pairs: [['x-empty', '']], bytes: '01000000' + '07000000' + '00000000' + '782d656d70747900' + '00' },
  { name: 'utf-8 value', pairs: [['k', 'é']], bytes: '01000000' + '01000000' + '02000000' + '6b00' + 'c3a900' },
  {
    // Non-ASCII in one pair: every length is measured in bytes, not in UTF-16 units.
    name: 'ascii pairs around a non-ascii one',
    pairs: [
      ['a', 'b'],
      ['ü', '€x'],
      ['c', ''],
    ],
    bytes:
      '03000000' +
      '01000000' +
      '01000000' +
      '02000000' +
      '04000000' +
      '01000000' +
      '00000000' +
      '61006200' +
      'c3bc00' +
      'e282ac7800' +
      '630000',
  },
  { name: 'empty map is zero bytes', pairs: [], bytes: '' },
];

test('pairs serialize: a lone surrogate is written as U+FFFD, and its length counts 3 bytes', () => {
  assert.equal(hex(serializePairs([['k', '\ud800']])), '01000000' + '01000000' + '03000000' + '6b00' + 'efbfbd00');
});

for (const c of CASES) {
  test(`pairs serialize: ${c.name}`, () => {
    assert.equal(hex(serializePairs(c.pairs)), c.bytes);
    assert.deepEqual(parsePairs(Buffer.from(c.bytes, 'hex')), c.name.startsWith('empty') ? [] : c.pairs);
  });
}

/** The format spelled out plainly: what the encoder's short-ASCII loop and native encodes must give. */
function reference(pairs: readonly (readonly [string, string])[]): string {
  const text = pairs.map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')]);
  const head = Buffer.alloc(4 + pairs.length * 8);
  head.writeUInt32LE(pairs.length, 0);
  text.forEach(([k, v], i) => {
    head.writeUInt32LE(k!.length, 4 + i * 8);
    head.writeUInt32LE(v!.length, 8 + i * 8);
  });
  const nul = Buffer.alloc(1);
  return Buffer.concat([head, ...text.flatMap(([k, v]) => [k!, nul, v!, nul])]).toString('hex');
}

test('pairs encoder: short, long, non-ASCII after an ASCII start, surrogates, and a buffer that grows then is reused', () => {
  const encoder = new PairsEncoder();
  const sets: [string, string][][] = [
    [['short', 'ascii']],
    [['x-long', 'v'.repeat(47) + 'é' + 'w'.repeat(100)]], // non-ASCII past the short-string limit
    [['x-late', 'abcdefgh€']], // short: the loop stops at '€' and the native encode starts over
    [
      ['k', '😀\ud800x'],
      ['\udc00', ''],
    ], // a pair and lone surrogates
    [['cookie', 'c=' + 'z'.repeat(10_000)]], // more than the initial 4 KiB: the buffer grows
    [['a', '1']], // after a larger map: only this map's bytes
  ];
  for (const pairs of sets) {
    assert.equal(Buffer.from(encoder.encode(pairs)).toString('hex'), reference(pairs), JSON.stringify(pairs).slice(0, 60));
    assert.equal(Buffer.from(serializePairs(pairs)).toString('hex'), reference(pairs));
  }
});

const MALFORMED: { name: string; bytes: string }[] = [
  { name: 'shorter than the count', bytes: '0100' },
  { name: 'count larger than the data', bytes: '05000000' + '01000000' + '01000000' },
  { name: 'missing NUL after key', bytes: '01000000' + '01000000' + '01000000' + '61' + '31' + '00' + '00' },
  { name: 'trailing bytes', bytes: '01000000' + '01000000' + '01000000' + '6100' + '3100' + 'ff' },
  { name: 'count over 1024', bytes: '01040000' },
  { name: 'single 0x00 byte (spec empty map)', bytes: '00' },
];
for (const c of MALFORMED) {
  test(`malformed pairs read as an empty map: ${c.name}`, () => {
    assert.deepEqual(parsePairs(Buffer.from(c.bytes, 'hex')), []);
  });
}

test('header map: lower-cases, first duplicate wins, replace keeps one, byteSize is Envoy byteSize()', () => {
  const m = new HeaderMap([
    ['Set-Cookie', 'a'],
    ['set-cookie', 'b'],
    ['X-One', '1'],
  ]);
  assert.equal(m.get('SET-COOKIE'), 'a');
  assert.equal(m.byteSize(), 'set-cookie'.length * 2 + 2 + 'x-one'.length + 1);
  m.replace('set-cookie', 'c');
  assert.deepEqual(m.getAll('set-cookie'), ['c']);
  m.remove('absent');
  m.remove('x-one');
  assert.deepEqual(m.pairs(), [['set-cookie', 'c']]);
  m.setAll([['A', 'b']]);
  assert.deepEqual(m.pairs(), [['a', 'b']]);
});
