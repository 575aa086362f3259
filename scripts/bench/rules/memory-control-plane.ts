// Child process of memory.bench.ts: one control plane on a data dir, so its RSS is measured alone.
// Tells the parent its gRPC address, the endpoints its inventory loaded and the gateway tokens it
// made; answers `measure` with its RSS after a full GC and the number of open WatchRules streams.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane } from '../../../control-plane/app.ts';
import { EMPTY_DETECTION_ENGINE } from '../../../control-plane/rules/compile-rule-set.ts';
import { settledRss } from './settled-rss.ts';

const [dataDir, watchersArg] = process.argv.slice(2) as [string, string];
const cp = await startControlPlane(
  { dataDir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'warn' } },
  { detectionEngine: EMPTY_DETECTION_ENGINE },
);
const gateways: { id: string; token: string }[] = [];
for (let i = 0; i < Number(watchersArg); i++)
  gateways.push({ id: `gw-${i}`, token: await cp.createToken(`gw-${i}`, 'gateway', `gw-${i}`) });
const tokensFile = join(dataDir, 'bench-tokens.json');
writeFileSync(tokensFile, JSON.stringify(gateways));

process.on('message', async (m: { type: string }) => {
  if (m.type === 'count') process.send!({ type: 'counted', watchers: cp.hub.size });
  if (m.type === 'measure') process.send!({ type: 'measured', rss: await settledRss(), watchers: cp.hub.size });
  if (m.type === 'stop') {
    await cp.close();
    process.exit(0);
  }
});
process.send!({ type: 'ready', address: cp.grpcAddress, tokensFile, endpoints: await cp.store.endpoints.count() });
