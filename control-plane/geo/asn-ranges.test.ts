// ASN ranges from @ip-location-db/asn's CSV layout: inclusive ranges found by bisection, quoted
// organisations, IPv6 told apart at /48, bad rows and non-addresses ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsnRanges, ipv6Prefix48 } from './asn-ranges.ts';

const V4 = [
  '16777216,16777471,13335,"Cloudflare, Inc."',
  '134744064,134744319,15169,Google LLC',
  'garbage',
  '3232235520,3232235775,64512,"Say ""hi"" Ltd"',
  '',
].join('\n');
const V6 = [
  '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
  '2606:4700::,2606:4700:ffff::,13335,"Cloudflare, Inc."',
  'x::,y::,1,bad',
].join('\n');

test('IPv4 lookups hit inclusive range ends and miss the gaps', async () => {
  const r = await AsnRanges.fromCsv(V4, V6);
  assert.equal(r.size, 5);
  assert.deepEqual(r.lookup('1.0.0.0'), { asn: 13335, org: 'Cloudflare, Inc.' });
  assert.deepEqual(r.lookup('1.0.0.255'), { asn: 13335, org: 'Cloudflare, Inc.' });
  assert.equal(r.lookup('1.0.1.0'), null);
  assert.deepEqual(r.lookup('8.8.8.8'), { asn: 15169, org: 'Google LLC' });
  assert.deepEqual(r.lookup('192.168.0.7'), { asn: 64512, org: 'Say "hi" Ltd' });
  assert.equal(r.lookup('0.0.0.1'), null);
  assert.equal(r.lookup('not an ip'), null);
  assert.equal(r.lookup('999.1.1.1'), null);
});

test('IPv6 lookups by /48 prefix, including compressed and embedded-IPv4 forms', async () => {
  const r = await AsnRanges.fromCsv(V4, V6);
  assert.deepEqual(r.lookup('2001:4860:4860::8888'), { asn: 15169, org: 'Google LLC' });
  assert.deepEqual(r.lookup('2606:4700:4700::1111'), { asn: 13335, org: 'Cloudflare, Inc.' });
  assert.equal(r.lookup('2a00::1'), null);
  assert.equal(ipv6Prefix48('2001::1:2:3:4:5:6'), 0x200100000001);
  assert.equal(ipv6Prefix48('::ffff:1.2.3.4'), 0);
  assert.equal(ipv6Prefix48('1::2::3'), null);
  assert.equal(ipv6Prefix48('1:2:3:4:5:6:7'), null);
});
