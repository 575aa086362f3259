// Offline discovery: capture → templates → per-endpoint statistics, the same InventoryEndpoint the
// live inventory produces. Two passes over the file so memory holds distinct paths and aggregates,
// never the exchanges themselves.
import { EndpointAccumulator } from '../endpoint-merge.ts';
import type { InventoryEndpoint } from '../model.ts';
import { readCapture, type CaptureStats } from './capture-reader.ts';
import { observeExchange } from './observe-exchange.ts';
import { CaptureTemplater } from './inventory-templater.ts';

export interface DiscoverResult {
  endpoints: InventoryEndpoint[];
  stats: CaptureStats;
}

export type Progress = (phase: 'learn' | 'aggregate', read: number, total: number) => void;

export async function discoverFromCapture(file: string, progress?: Progress): Promise<DiscoverResult> {
  const templater = new CaptureTemplater();
  const learn: CaptureStats = { read: 0, skipped: 0, errors: [] };
  for await (const ex of readCapture(file, learn, progress && ((r, t) => progress('learn', r, t)))) templater.observe(ex.host, ex.path);
  const stats: CaptureStats = { read: 0, skipped: 0, errors: [] };
  const acc = new Map<string, EndpointAccumulator>();
  for await (const ex of readCapture(file, stats, progress && ((r, t) => progress('aggregate', r, t)))) {
    const m = templater.match(ex.host, ex.path);
    const key = `${ex.host} ${ex.method} ${m.template}`;
    let a = acc.get(key);
    if (!a) acc.set(key, (a = new EndpointAccumulator(ex.host, ex.method, m.template)));
    a.add(observeExchange(ex, m.template, m.params));
  }
  return { endpoints: [...acc.values()].map((a) => a.toEndpoint()), stats };
}
