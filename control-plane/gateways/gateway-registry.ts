// What the control plane knows about each gateway, for "installed but no data" diagnosis in one
// look: identity (from WatchRules hellos), liveness (last heartbeat), what it sent and dropped
// (from ReportBatch counters, written by ingest in the same transaction as the batch), which
// rules version it applied or refused, and whether a WatchRules stream is open.
import type { GatewayInfo as WireGatewayInfo } from '../../proto/gen/palisade/v1/GatewayInfo.ts';
import type { GatewayRecord, Page, PageQuery, Store } from '../store/types.ts';
import { createCoalescedAcks } from './coalesced-acks.ts';

export interface GatewayRegistry {
  /** A gateway said who it is (first WatchRules message). Unknown fields are stored empty. */
  hello(gatewayId: string, info: WireGatewayInfo | null | undefined): Promise<void>;
  /** A Report or WatchRules stream opened: refreshes the heartbeat. */
  seen(gatewayId: string): Promise<void>;
  rulesApplied(gatewayId: string, version: number): Promise<void>;
  rulesRejected(gatewayId: string, version: number, reason: string): Promise<void>;
  /** Call with +1 when a WatchRules stream opens and -1 when it closes. */
  watchStream(gatewayId: string, delta: 1 | -1): Promise<void>;
  get(gatewayId: string): Promise<GatewayRecord | null>;
  list(query: PageQuery): Promise<Page<GatewayRecord>>;
}

const clip = (v: unknown, n: number) => (typeof v === 'string' ? v.slice(0, n) : '');

export function createGatewayRegistry(options: { store: Store; now?: () => number }): GatewayRegistry {
  const { store } = options;
  const now = options.now ?? Date.now;
  const rulesApplied = createCoalescedAcks((acks) => store.gateways.recordRulesAppliedMany(acks, now()));
  return {
    async hello(gatewayId, info) {
      await store.gateways.upsertInfo(
        {
          id: gatewayId,
          kind: clip(info?.kind, 32),
          version: clip(info?.version, 64),
          hostname: clip(info?.hostname, 253),
          bootId: clip(info?.bootId, 128),
        },
        now(),
      );
    },
    async seen(gatewayId) {
      await store.gateways.changeConnections(gatewayId, 0, now());
    },
    rulesApplied,
    rulesRejected: (id, version, reason) => store.gateways.recordRulesRejected(id, version, reason, now()),
    watchStream: (id, delta) => store.gateways.changeConnections(id, delta, now()),
    get: (id) => store.gateways.get(id),
    list: (q) => store.gateways.list(q),
  };
}
