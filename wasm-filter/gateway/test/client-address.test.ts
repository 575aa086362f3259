// The client address rules of Envoy's connection manager with use_remote_address: true, as a table
// (Envoy docs "x-forwarded-for": the Nth address from the right with xff_num_trusted_hops = N).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFromXff, clientAddress, formatAddress } from '../client-address.ts';

const peer = { ip: '10.0.0.9', port: 41000 };
const cases: { xff: string | undefined; hops: number; source: string; forwarded: string | undefined }[] = [
  { xff: undefined, hops: 0, source: '10.0.0.9:41000', forwarded: '10.0.0.9' },
  { xff: '203.0.113.7', hops: 0, source: '10.0.0.9:41000', forwarded: '203.0.113.7,10.0.0.9' },
  { xff: '198.51.100.1, 203.0.113.7', hops: 1, source: '203.0.113.7:0', forwarded: '198.51.100.1, 203.0.113.7,10.0.0.9' },
  { xff: '198.51.100.1, 203.0.113.7', hops: 2, source: '198.51.100.1:0', forwarded: '198.51.100.1, 203.0.113.7,10.0.0.9' },
  { xff: '203.0.113.7', hops: 2, source: '10.0.0.9:41000', forwarded: '203.0.113.7,10.0.0.9' },
  { xff: 'not-an-ip', hops: 1, source: '10.0.0.9:41000', forwarded: 'not-an-ip,10.0.0.9' },
  { xff: '203.0.113.7:8080', hops: 1, source: '10.0.0.9:41000', forwarded: '203.0.113.7:8080,10.0.0.9' },
  { xff: '2001:db8::1', hops: 1, source: '[2001:db8::1]:0', forwarded: '2001:db8::1,10.0.0.9' },
  { xff: '', hops: 1, source: '10.0.0.9:41000', forwarded: '10.0.0.9' },
];

for (const c of cases)
  test(`xff ${JSON.stringify(c.xff)} with ${c.hops} trusted hops → source.address ${c.source}`, () => {
    const got = clientAddress(peer, c.xff, { xffNumTrustedHops: c.hops, skipXffAppend: false });
    assert.equal(got.sourceAddress, c.source);
    assert.equal(got.forwardedFor, c.forwarded);
  });

test('skip_xff_append leaves x-forwarded-for as it came', () => {
  assert.equal(clientAddress(peer, '203.0.113.7', { xffNumTrustedHops: 1, skipXffAppend: true }).forwardedFor, '203.0.113.7');
  assert.equal(clientAddress(peer, undefined, { xffNumTrustedHops: 0, skipXffAppend: true }).forwardedFor, undefined);
});

test('an IPv4-mapped peer from a dual-stack listener is the IPv4 address, as in Envoy', () => {
  const got = clientAddress({ ip: '::ffff:192.0.2.4', port: 5000 }, '203.0.113.7', { xffNumTrustedHops: 0, skipXffAppend: false });
  assert.equal(got.sourceAddress, '192.0.2.4:5000');
  assert.equal(got.forwardedFor, '203.0.113.7,192.0.2.4');
  assert.equal(
    clientAddress({ ip: '2001:db8::5', port: 1 }, undefined, { xffNumTrustedHops: 0, skipXffAppend: true }).sourceAddress,
    '[2001:db8::5]:1',
  );
});

test('x-forwarded-proto: overwritten with the connection scheme unless hops are trusted and it is present', () => {
  const proto = (hops: number, forwardedProto?: string) =>
    clientAddress(peer, undefined, { xffNumTrustedHops: hops, skipXffAppend: false, forwardedProto }).forwardedProto;
  assert.equal(proto(0, 'https'), 'http');
  assert.equal(proto(1, 'https'), 'https');
  assert.equal(proto(1), 'http');
});

test('addresses print as Envoy prints them: IPv6 in brackets', () => {
  assert.equal(formatAddress('::1', 80), '[::1]:80');
  assert.equal(formatAddress('::ffff:127.0.0.1', 80), '[::ffff:127.0.0.1]:80');
  assert.equal(formatAddress('127.0.0.1', 80), '127.0.0.1:80');
  assert.equal(addressFromXff(' 1.2.3.4 ,5.6.7.8', 1), '1.2.3.4');
});
