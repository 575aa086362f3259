// Addresses that never reach a geo database: private, loopback, link-local, CGNAT, ULA. They are
// shown as "internal" rather than guessed at. The inventory's network matcher does the arithmetic;
// this adds the ranges that matter for geography on top of its defaults.
import { DEFAULT_INTERNAL_NETWORKS, networkMatcher } from '../inventory/networks.ts';

export const NON_ROUTABLE_NETWORKS: readonly string[] = [
  ...DEFAULT_INTERNAL_NETWORKS,
  '0.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '192.0.0.0/24',
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '::/128',
];

export const isNonRoutable = networkMatcher(NON_ROUTABLE_NETWORKS);
