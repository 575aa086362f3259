import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GeoLookup, summarizeGeo } from './geo-lookup.ts';
import { writeMmdb } from './testing/mmdb-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-geo-'));
const asnDb = join(dir, 'asn.mmdb');
writeFileSync(
  asnDb,
  writeMmdb('GeoLite2-ASN', {
    '8.8.8.0/24': { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' },
    '203.0.113.0/24': { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' },
  }),
);

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
  assert.equal(geo.lookup('9.9.9.9')?.asn, undefined);
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
