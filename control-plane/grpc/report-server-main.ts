// A control plane reduced to the Report path, run as a child process by the durability test and
// the ingest benchmark: opens the store named in argv, serves GatewayService on an ephemeral port
// and prints `{"port": N}` on stdout. Any token `tok-<id>` authenticates gateway `<id>`.
import { createGatewayRegistry } from '../gateways/gateway-registry.ts';
import { createIngest } from '../ingest/ingest.ts';
import { createInventory } from '../inventory/inventory.ts';
import { openStore, type StoreConfig } from '../store/database.ts';
import { createGrpcServer } from './server.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as StoreConfig;
const store = await openStore(config);
const inventory = createInventory({ store });
await inventory.load();
const ingest = createIngest({ store, inventory });
const server = await createGrpcServer({
  ingest,
  gateways: createGatewayRegistry({ store }),
  authenticateGateway: async (token) => (token.startsWith('tok-') ? { gatewayId: token.slice(4) } : null),
  address: '127.0.0.1:0',
  ...(process.env.PALISADE_MAX_IN_FLIGHT ? { maxInFlight: Number(process.env.PALISADE_MAX_IN_FLIGHT) } : {}),
});
process.stdout.write(JSON.stringify({ port: server.port }) + '\n');
process.on('SIGTERM', () => {
  // PALISADE_DEBUG_METRICS=1: the ingest counters (commits, largest group) on stderr at exit.
  if (process.env.PALISADE_DEBUG_METRICS) process.stderr.write(JSON.stringify(ingest.metrics.snapshot()) + '\n');
  void server.close().then(() => store.close().then(() => process.exit(0)));
});
