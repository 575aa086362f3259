import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_INTERNAL_NETWORKS, networkMatcher, parseNetworks } from './networks.ts';

describe('networkMatcher', () => {
  const internal = networkMatcher(DEFAULT_INTERNAL_NETWORKS);
  const cases: [string, boolean][] = [
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['8.8.8.8', false],
    ['127.0.0.1', true],
    ['::1', true],
    ['fd00::1', true],
    ['2001:db8::1', false],
    ['::ffff:10.0.0.1', true],
    ['not-an-ip', false],
    ['', false],
  ];
  for (const [ip, want] of cases) it(`${ip || '(empty)'} internal=${want}`, () => assert.equal(internal(ip), want));
  it('refuses a malformed CIDR with the entry in the message', () => {
    assert.throws(() => parseNetworks(['10.0.0.0/33']), /10\.0\.0\.0\/33/);
    assert.throws(() => parseNetworks(['banana']), /banana/);
  });
});
