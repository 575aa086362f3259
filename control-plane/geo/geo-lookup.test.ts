import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GeoLookup, summarizeGeo } from './geo-lookup.ts';
import { writeMmdb } from './mmdb/mmdb-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-geo-'));
const asnDb = join(dir, 'asn.mmdb');
const asnFile = writeMmdb(
  [
    { start: 0x08080800n, end: 0x080808ffn, record: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' } },
    {
      start: 0xcb007100n,
      end: 0xcb0071ffn,
      record: { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' },
    },
    {
      start: 0x20010db8n << 96n,
      end: (0x20010db9n << 96n) - 1n,
      record: { autonomous_system_number: 64501, autonomous_system_organization: 'Doc Net' },
    },
  ],
  { databaseType: 'GeoLite2-ASN', description: 'test', buildEpoch: 0 },
);
writeFileSync(asnDb, asnFile.bytes);

// One lookup object for the file: the bundled city database is ~45 MB to read.
const geo = new GeoLookup({ asnDbPaths: [asnDb] });

test('public IPv4 and IPv6 resolve to a country from the bundled GeoLite2 city database', () => {
  assert.equal(geo.lookup('8.8.8.8')?.country, 'US');
  assert.equal(geo.lookup('2001:4860:4860::8888')?.country, 'US');
  assert.equal(geo.lookup('::ffff:8.8.8.8')?.country, 'US');
});

test('ASN and organisation come from a MaxMind-format ASN database', () => {
  const g = geo.lookup('8.8.8.8');
  assert.equal(g?.asn, 15169);
  assert.equal(g?.org, 'Google LLC');
  assert.equal(geo.lookup('203.0.113.9')?.org, 'Example Transit');
  assert.equal(geo.lookup('::ffff:203.0.113.9')?.org, 'Example Transit');
  assert.equal(geo.lookup('2001:db8:77::1')?.asn, 64501);
  assert.equal(geo.lookup('9.9.9.9')?.asn, undefined);
});

test('the bundled ASN database (built from @ip-location-db/asn) is the default', () => {
  const bundled = new GeoLookup({ cityDbPaths: [] });
  assert.ok(bundled.hasAsn, 'run npm run build: control-plane/geo/build/asn.mmdb');
  assert.deepEqual([bundled.lookup('8.8.8.8')?.asn, bundled.lookup('8.8.8.8')?.org], [15169, 'Google LLC']);
  assert.equal(bundled.lookup('2606:4700:4700::1111')?.asn, 13335);
});

test('a missing or unreadable ASN database is reported once and leaves ASN out, never a crash', () => {
  const corruptTree = Buffer.from(asnFile.bytes);
  corruptTree.fill(0xff, 0, asnFile.nodeCount * 6); // every record points far past the data section
  const corruptPath = join(dir, 'corrupt-tree.mmdb');
  writeFileSync(corruptPath, corruptTree);
  const truncatedPath = join(dir, 'truncated.mmdb');
  writeFileSync(truncatedPath, asnFile.bytes.subarray(0, 100));
  for (const [path, reason] of [
    [join(dir, 'missing.mmdb'), /missing\.mmdb: ENOENT/],
    [truncatedPath, /truncated\.mmdb: /],
    [corruptPath, /ASN database unreadable at 8\.8\.8\.8/],
  ] as const) {
    const told: string[] = [];
    const g = new GeoLookup({ asnDbPaths: [path], onAsnUnavailable: (m) => told.push(m) });
    const first = g.lookup('8.8.8.8');
    assert.deepEqual([first?.country, first?.asn, first?.org], ['US', undefined, undefined], path);
    assert.equal(g.lookup('203.0.113.9')?.asn, undefined);
    assert.equal(told.length, 1, `${path}: ${told.join(' | ')}`);
    assert.match(told[0]!, reason);
    assert.equal(g.hasAsn, false);
  }
});

for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '::1', 'fd00::1', 'fe80::1']) {
  test(`private address ${ip} is internal, never looked up`, () =>
    assert.deepEqual(geo.lookup(ip), { ip, internal: true, country: 'internal' }));
}

test('not an address → null; summaries count countries, networks, internal vs external', () => {
  assert.equal(geo.lookup('not-an-ip'), null);
  const s = summarizeGeo(geo, [
    ['8.8.8.8', 10],
    ['10.0.0.5', 3],
    ['bogus', 1],
  ]);
  assert.deepEqual(s.countries, { US: 10, internal: 3 });
  assert.deepEqual(s.networks, { 'AS15169 Google LLC': 10 });
  assert.equal(s.internal, 3);
  assert.equal(s.external, 10);
});

test('a database that is not MaxMind format is refused with its path', () => {
  const bad = join(dir, 'bad.mmdb');
  writeFileSync(bad, 'not a database');
  assert.throws(() => new GeoLookup({ cityDbPaths: [bad] }), /geo database .*bad\.mmdb/);
});
