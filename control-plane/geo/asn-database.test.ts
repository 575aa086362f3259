// The bundled ASN database: the CSV rows it is converted from, and the built file itself (the
// artefact the control plane opens) read with `maxmind`, agreeing with a bisection over the CSV
// ranges on range starts and ends, the addresses either side, random addresses, IPv4-mapped IPv6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { bundledAsnDbPath, disjointAsnRanges, parseAsnCsv, type AsnRange } from './asn-database.ts';

test('CSV rows: quoted organisations, CRLF, and rows that are not ranges skipped', () => {
  const rows = parseAsnCsv(
    [
      '16777216,16777471,13335,"Cloudflare, Inc."',
      '134744064,134744319,15169,Google LLC\r',
      '3232235520,3232235775,64512,"Say ""hi"" Ltd"',
      'garbage',
      '5,4,1,end before start',
      '1.2.3.4,1.2.3.5,1,textual addresses',
      `0,${1n << 128n},1,past 128 bits`,
      '42540766411282592856903984951653826560,42540766411282592875351729025363378175,15169,Google LLC',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    rows.map((r) => [r.start, r.end, r.asn, r.org]),
    [
      [16777216n, 16777471n, 13335, 'Cloudflare, Inc.'],
      [134744064n, 134744319n, 15169, 'Google LLC'],
      [3232235520n, 3232235775n, 64512, 'Say "hi" Ltd'],
      [42540766411282592856903984951653826560n, 42540766411282592875351729025363378175n, 15169, 'Google LLC'],
    ],
  );
});

test('overlapping rows end where the next starts; of two with one start the later wins', () => {
  const r = (start: number, end: number, asn: number): AsnRange => ({ start: BigInt(start), end: BigInt(end), asn, org: '' });
  assert.deepEqual(disjointAsnRanges([r(50, 60, 3), r(0, 100, 1), r(10, 20, 2), r(50, 55, 4)]), [r(0, 9, 1), r(10, 20, 2), r(50, 55, 4)]);
});

/** The reference answer: the last range starting at or before `x`, if `x` is inside it. */
function bisect(ranges: readonly AsnRange[], x: bigint): AsnRange | null {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid]!.start <= x) lo = mid + 1;
    else hi = mid;
  }
  const r = ranges[lo - 1];
  return r && x <= r.end ? r : null;
}

function ipText(x: bigint, v4: boolean): string {
  if (v4) return [24n, 16n, 8n, 0n].map((s) => (x >> s) & 255n).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((x >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

test('the built database agrees with the CSV ranges it was converted from', (t) => {
  const path = bundledAsnDbPath();
  assert.ok(existsSync(path), `${path} is missing: run npm run build`);
  const reader = new Reader<Record<string, unknown>>(readFileSync(path));
  const csvDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  const v4 = parseAsnCsv(readFileSync(join(csvDir, 'asn-ipv4-num.csv'), 'utf8'));
  const v6 = parseAsnCsv(readFileSync(join(csvDir, 'asn-ipv6-num.csv'), 'utf8'));
  assert.ok(v4.length > 100_000 && v6.length > 10_000, 'the package has its ranges');

  let seed = 0x2545f491;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const randBig = (bits: number): bigint => {
    let out = 0n;
    for (let got = 0; got < bits; got += 30) out = (out << 30n) | BigInt(rand(2 ** 30));
    return out & ((1n << BigInt(bits)) - 1n);
  };
  let checked = 0;
  let hits = 0;
  const check = (ranges: AsnRange[], x: bigint, v4Space: boolean, form = ipText(x, v4Space)): void => {
    if (x < 0n || x >= (v4Space ? 1n << 32n : 1n << 128n)) return;
    const want = bisect(ranges, x);
    const got = reader.get(form);
    checked++;
    if (want) hits++;
    const expected = want ? { asn: want.asn, org: want.org || undefined } : null;
    const actual = got ? { asn: got.autonomous_system_number, org: got.autonomous_system_organization } : null;
    assert.deepEqual(actual, expected, `${form}`);
  };
  for (const [ranges, isV4] of [
    [v4, true],
    [v6, false],
  ] as const) {
    // Every range boundary of a sample, and the addresses just outside it.
    for (let i = 0; i < 4000; i++) {
      const r = ranges[rand(ranges.length)]!;
      for (const x of [r.start, r.end, r.start - 1n, r.end + 1n]) check(ranges, x, isV4);
    }
    // Random addresses in the populated space: IPv4 anywhere; IPv6 inside 2000::/3 where ranges are.
    for (let i = 0; i < 10_000; i++) check(ranges, isV4 ? randBig(32) : (1n << 125n) | randBig(125), isV4);
    // Random addresses inside random ranges (a random address rarely lands in a small IPv6 range).
    for (let i = 0; i < 4000; i++) {
      const r = ranges[rand(ranges.length)]!;
      check(ranges, r.start + (randBig(64) % (r.end - r.start + 1n)), isV4);
    }
  }
  // IPv4-mapped IPv6 answers as the IPv4 address does.
  for (let i = 0; i < 2000; i++) {
    const x = randBig(32);
    check(v4, x, true, `::ffff:${ipText(x, true)}`);
  }
  // The one overlap in the data (a wider DoD block under a narrower one) resolves like the bisection.
  const overlaps = v4.filter((r, i) => i > 0 && r.start <= v4[i - 1]!.end);
  for (const r of overlaps) for (const x of [r.start - 1n, r.start, r.end, r.end + 1n]) check(v4, x, true);
  t.diagnostic(`${checked} addresses compared, ${hits} inside a range, ${overlaps.length} overlapping rows`);
  assert.ok(hits > checked / 3, 'most probes land inside ranges, so the comparison is not all misses');
});
