// The values GET /metrics shows besides the HTTP server's own: gRPC and ingest counters as they
// are declared (grpc-metrics.ts, ingest-metrics.ts), and gauges of what bounds memory — open
// WatchRules streams, inventory hosts and templater nodes, cached endpoint ids — plus the
// re-templating and refused-field counts that show a path or field flood being contained.
import type { GrpcServer } from '../grpc/server.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { PushHub } from '../rules/push-hub.ts';
import type { RulesService } from '../rules/rules-service.ts';

export const CONTROL_PLANE_GAUGES = [
  'rules_version',
  'rules_watchers',
  'inventory_hosts',
  'inventory_nodes',
  'inventory_cached_ids',
  'inventory_retemplated_total',
  'inventory_fields_refused_total',
] as const;

export function controlPlaneMetrics(parts: {
  grpc: Pick<GrpcServer, 'metrics'>;
  ingest: Pick<Ingest, 'metrics'>;
  inventory: Pick<Inventory, 'stats'>;
  hub: Pick<PushHub, 'size'>;
  rules: Pick<RulesService, 'current'>;
}): Record<string, number> {
  const inv = parts.inventory.stats();
  return {
    ...parts.grpc.metrics.snapshot(),
    ...parts.ingest.metrics.snapshot(),
    rules_version: parts.rules.current().version,
    rules_watchers: parts.hub.size,
    inventory_hosts: inv.hosts,
    inventory_nodes: inv.nodes,
    inventory_cached_ids: inv.cachedIds,
    inventory_retemplated_total: inv.retemplated,
    inventory_fields_refused_total: inv.fieldsRefused,
  } satisfies Record<(typeof CONTROL_PLANE_GAUGES)[number], number> & Record<string, number>;
}
