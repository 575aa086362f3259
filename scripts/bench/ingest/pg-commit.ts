// The PostgreSQL group commit alone, this checkout's against another's (a before/after of a store
// change without gRPC, decoding or the machine's other work between commits): the same groups of
// 5 000 bench events through PostgresIngestRepository.commit, each checkout into a fresh schema,
// the two alternating round by round. Prints the wall time of the commits per event (what the
// PostgreSQL server and the round trips take) and this process's CPU during them.
//   node --import tsx --expose-gc scripts/bench/ingest/pg-commit.ts <other checkout> [batch size]
import { join, resolve } from 'node:path';
import pg from 'pg';
import { batchReader } from '../../../control-plane/grpc/batch-reader.ts';
import { messageType } from '../../../control-plane/grpc/wire-check.ts';
import { BatchGroup } from '../../../control-plane/ingest/batch-group.ts';
import { DEFAULT_BATCH_LIMITS } from '../../../control-plane/ingest/batch-unit.ts';
import { createInventory } from '../../../control-plane/inventory/inventory.ts';
import { openStore } from '../../../control-plane/store/database.ts';
import { TEST_PG_URL } from '../../../control-plane/store/testing.ts';
import { PostgresIngestRepository as Mine } from '../../../control-plane/store/postgres-ingest.ts';
import { benchBatches } from './bench-events.ts';
const other = process.argv[2];
if (!other) throw new Error('usage: pg-commit.ts <other checkout> [batch size]');
const { PostgresIngestRepository: Base } = (await import(join(resolve(other), 'control-plane/store/postgres-ingest.ts'))) as {
  PostgresIngestRepository: typeof Mine;
};
const BASE = Date.UTC(2026, 0, 1);
const size = Number(process.argv[3] ?? 100);
const type = messageType('ReportBatch');
const encoded = benchBatches('gw0', 50000 / size, size, BASE, 5).map((b) => type.encode(type.fromObject(b)).finish());
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const res: Record<string, { wall: number[]; cpu: number[] }> = { other: { wall: [], cpu: [] }, this: { wall: [], cpu: [] } };
for (let round = 0; round < 6; round++) {
  for (const kind of (round % 2 ? ['this', 'other'] : ['other', 'this']) as ('other' | 'this')[]) {
    const schema = `xcommit_${process.pid}_${round}_${kind}`;
    const store = await openStore({ kind: 'postgres', url: TEST_PG_URL, schema });
    const inventory = createInventory({ store });
    const repo = kind === 'other' ? new Base(store.pg!) : new Mine(store.pg!);
    const per = 5000 / size;
    let wall = 0;
    let used = 0;
    for (let i = 0; i < encoded.length; i += per) {
      // One unit per batch (the repository API both checkouts share), templated as ingest does.
      const decoded = encoded.slice(i, i + per).map((b) => type.decode(batchReader(b)) as never);
      const group = new BatchGroup(inventory, DEFAULT_BATCH_LIMITS);
      for (const b of decoded) group.add(b, BASE);
      const ids = await inventory.endpointIds(group.endpointKeys);
      group.build(ids, BASE + i);
      const units = group.units(ids, BASE + i, (k) => decoded[k]!);
      const t0 = performance.now();
      const c0 = cpu();
      await repo.commit(units);
      used += cpu() - c0;
      wall += performance.now() - t0;
    }
    res[kind]!.wall.push((wall * 1000) / 50000);
    res[kind]!.cpu.push((used * 1000) / 50000);
    await store.close();
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  }
}
const med = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1]!;
const f = (a: number[]) => a.map((x) => x.toFixed(1)).join(' ');
console.log(
  `batch ${size}, groups of 5000 events: commit wall µs/event other ${f(res.other!.wall)} | this ${f(res.this!.wall)} | median this/other ${(med(res.this!.wall) / med(res.other!.wall)).toFixed(2)}`,
);
console.log(
  `  commit CPU µs/event (this process) other ${f(res.other!.cpu)} | this ${f(res.this!.cpu)} | median this/other ${(med(res.this!.cpu) / med(res.other!.cpu)).toFixed(2)}`,
);
