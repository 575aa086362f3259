// A commit group as it gathers: ingest adds each batch as soon as it is read (bounded, templated in
// request order, and aggregated into the group's accumulators at once) and writes the group in one
// transaction. A group's aggregate rows are built once for all its batches: built per batch, then
// merged at the commit, a batch of 100 events made ~3.6 rows per event, most of them merged away,
// and was the main cost small batches had over large ones. The group keeps no per-event objects
// but the rows the store keeps: they wait for the commit long enough to outlive young-generation
// collections, and copying them there is the collector's work under load.
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import { ADMIT_ALL, EventAggregator, relabelAggregates, type BatchAggregates } from '../inventory/endpoint-aggregate.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { mergeDeltas } from '../store/merge-deltas.ts';
import type { EndpointKey, EventRecord, GatewayDelta, IngestGroup, IngestUnit } from '../store/types.ts';
import { batchHeader, prepareEvent, type BatchHeader, type BatchLimits } from './batch-unit.ts';
import type { ApiEvent } from '../../proto/gen/palisade/v1/ApiEvent.ts';

/** One batch of a group: its rows, and each row's endpoint among the group's keys. */
export interface GroupedBatch {
  header: BatchHeader;
  /** Complete but for `endpointId` and `receivedMs` until the group is built. */
  records: EventRecord[];
  /** records[i]'s endpoint is the group's endpointKeys[keyIndex[i]]. */
  keyIndex: Uint32Array;
  /** The clock when the batch was read (event timestamps were clamped against it). */
  now: number;
}

type RawEvent = ApiEvent & Record<string, unknown>;

export class BatchGroup {
  /** The distinct endpoint keys of the group, in first-seen order. */
  readonly endpointKeys: EndpointKey[] = [];
  readonly batches: GroupedBatch[] = [];
  eventCount = 0;
  /** Label by template, host and method: no key string per event (templates, hosts and methods are shared strings). */
  private readonly labels = new Map<string, Map<string, Map<string, number>>>();
  /** Each label as the string the aggregates carry until endpoint ids are known. */
  private readonly labelNames: string[] = [];
  private readonly aggregator: EventAggregator;

  constructor(
    private readonly inventory: Inventory,
    private readonly limits: BatchLimits,
  ) {
    // Fields are bounded per endpoint once its id is known (build).
    this.aggregator = new EventAggregator({ isInternal: inventory.isInternal, admitField: ADMIT_ALL });
  }

  /**
   * Adds a validated batch read at `now` (synchronous: templating learns in request order). Every
   * event is prepared before any reaches the group, so a batch that fails part-way leaves the
   * group as it was (its caller alone sees the error).
   */
  add(batch: ReportBatch, now: number): void {
    const header = batchHeader(batch);
    const raw = batch.events ?? [];
    const prepared = raw.map((e) => prepareEvent(e as RawEvent, header.key.gatewayId, now, this.limits));
    const records: EventRecord[] = new Array(raw.length);
    const keyIndex = new Uint32Array(raw.length);
    for (let i = 0; i < prepared.length; i++) {
      const { record, observed } = prepared[i]!;
      const label = this.labelOf(this.inventory.keyFor(record.host, record.method, record.path));
      keyIndex[i] = label;
      records[i] = record;
      this.aggregator.add(observed, this.labelNames[label]!);
    }
    this.batches.push({ header, records, keyIndex, now });
    this.eventCount += raw.length;
  }

  private labelOf(key: EndpointKey): number {
    let byHost = this.labels.get(key.pathTemplate);
    if (!byHost) this.labels.set(key.pathTemplate, (byHost = new Map()));
    let byMethod = byHost.get(key.host);
    if (!byMethod) byHost.set(key.host, (byMethod = new Map()));
    let label = byMethod.get(key.method);
    if (label === undefined) {
      label = this.endpointKeys.length;
      byMethod.set(key.method, label);
      this.endpointKeys.push(key);
      this.labelNames.push(String(label));
    }
    return label;
  }

  /**
   * The group as the store writes it, once endpoint ids are known (ids[k] for endpointKeys[k]):
   * completes the rows in place and hands over the aggregates (build once, add nothing after).
   */
  build(ids: readonly string[], receivedMs: number): IngestGroup {
    const events: EventRecord[] = [];
    for (const b of this.batches) {
      const { records, keyIndex } = b;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        r.endpointId = ids[keyIndex[i]!]!;
        r.receivedMs = receivedMs;
        events.push(r);
      }
    }
    return {
      keys: this.batches.map((b) => ({ key: b.header.key, eventCount: b.records.length })),
      events,
      merged: mergeDeltas([this.relabel(this.aggregator.result(), ids)]),
      gateways: this.batches.map((b) => gatewayDelta(b, receivedMs)),
    };
  }

  /**
   * The group's batches as one unit each (after build), for a group whose commit found a batch
   * already stored: the store then writes them one by one to tell which. Each batch's aggregates
   * are made again from its events, which `reread(i)` gives again for batch i (the group keeps no
   * per-event observations; a duplicate is rare, a resend after a lost ack).
   */
  units(ids: readonly string[], receivedMs: number, reread: (i: number) => ReportBatch): IngestUnit[] {
    return this.batches.map((b, i) => {
      const raw = reread(i).events ?? [];
      const aggregator = new EventAggregator({ isInternal: this.inventory.isInternal, admitField: ADMIT_ALL });
      for (let j = 0; j < b.records.length; j++) {
        const { observed } = prepareEvent(raw[j] as RawEvent, b.header.key.gatewayId, b.now, this.limits);
        aggregator.add(observed, this.labelNames[b.keyIndex[j]!]!);
      }
      return { key: b.header.key, events: b.records, ...this.relabel(aggregator.result(), ids), gateway: gatewayDelta(b, receivedMs) };
    });
  }

  private relabel(agg: BatchAggregates, ids: readonly string[]): BatchAggregates {
    return relabelAggregates(agg, (label) => ids[Number(label)]!, this.inventory.admitField, this.inventory.isReleased);
  }
}

function gatewayDelta(b: GroupedBatch, receivedMs: number): GatewayDelta {
  return {
    gatewayId: b.header.key.gatewayId,
    bootId: b.header.key.bootId,
    seenMs: receivedMs,
    eventsReceived: b.records.length,
    eventsDroppedSinceBoot: b.header.droppedSinceBoot,
    requestsSeenSinceBoot: b.header.requestsSinceBoot,
  };
}
