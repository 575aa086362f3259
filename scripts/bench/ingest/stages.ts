// Where ingest time goes, stage by stage, in one process (no gRPC): wire check, protobuf decode,
// prepare (bounding, templating, aggregation into the group), endpoint ids, group building, store commit.
//   node --import tsx --expose-gc scripts/bench/ingest/stages.ts [sqlite|postgres] [batch size]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchReader } from '../../../control-plane/grpc/batch-reader.ts';
import { messageType, wireProblem } from '../../../control-plane/grpc/wire-check.ts';
import { BatchGroup } from '../../../control-plane/ingest/batch-group.ts';
import { DEFAULT_BATCH_LIMITS } from '../../../control-plane/ingest/batch-unit.ts';
import type { ReportBatch } from '../../../proto/gen/palisade/v1/ReportBatch.ts';
import { createInventory } from '../../../control-plane/inventory/inventory.ts';
import { openStore } from '../../../control-plane/store/database.ts';
import { TEST_PG_URL } from '../../../control-plane/store/testing.ts';
import { benchBatches } from './bench-events.ts';

const dialect = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const size = Number(process.argv[3] ?? 1000);
const TOTAL = Number(process.env.PALISADE_BENCH_EVENTS ?? 100_000);
const GROUP = Number(process.env.PALISADE_BENCH_GROUP ?? 4);
const BASE_MS = Date.UTC(2026, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'palisade-stages-'));
const schema = `stages_${process.pid}`;
const store = await openStore(dialect === 'sqlite' ? { kind: 'sqlite', dataDir: dir } : { kind: 'postgres', url: TEST_PG_URL, schema });
const inventory = createInventory({ store });
const type = messageType('ReportBatch');
const encoded = benchBatches('gw0', Math.ceil(TOTAL / size), size, BASE_MS, 5).map((b) => type.encode(type.fromObject(b)).finish());
// CPU time of this process per stage (wall time on a shared machine measures the neighbours too).
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const t: Record<string, number> = { wire: 0, decode: 0, prepare: 0, ids: 0, build: 0, commit: 0 };
const lap = (k: string, t0: number) => ((t[k]! += cpuMs() - t0), cpuMs());
globalThis.gc?.();
const started = performance.now();
const cpu0 = cpuMs();
for (let i = 0; i < encoded.length; i += GROUP) {
  const group = encoded.slice(i, i + GROUP);
  let t0 = cpuMs();
  for (const b of group) if (wireProblem(b, type)) throw new Error('bad');
  t0 = lap('wire', t0);
  const decoded = group.map((b) => type.decode(batchReader(b)) as unknown as ReportBatch);
  t0 = lap('decode', t0);
  const batches = new BatchGroup(inventory, DEFAULT_BATCH_LIMITS);
  for (const b of decoded) batches.add(b, BASE_MS);
  t0 = lap('prepare', t0);
  const ids = await inventory.endpointIds(batches.endpointKeys);
  t0 = lap('ids', t0);
  const built = batches.build(ids, BASE_MS);
  t0 = lap('build', t0);
  await store.ingest.commitGroup(built);
  lap('commit', t0);
}
const wall = performance.now() - started;
const all = cpuMs() - cpu0;
const n = encoded.length * size;
const rate = (ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
console.log(`${dialect} batch ${size}, ${GROUP} batches per commit: ${rate(wall)} ev/s in-process, ${rate(all)} ev/CPU-second`);
for (const [k, ms] of Object.entries(t))
  console.log(`${k.padEnd(8)} ${((ms * 1000) / n).toFixed(2).padStart(6)} CPU-µs/event  ${((100 * ms) / all).toFixed(1)}%`);
await store.close();
rmSync(dir, { recursive: true, force: true });
if (dialect === 'postgres') {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA "${schema}" CASCADE`);
  await c.end();
}
