// The delivery log: one entry per attempt and outcome, so "did the page go out?" has an answer.
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'suppressed' | 'dropped';

export interface DeliveryEntry {
  at: number;
  routeId: string;
  channel: string;
  eventId: string;
  dedupKey: string;
  attempt: number;
  outcome: DeliveryOutcome;
  status?: number;
  error?: string;
  /** Alerts folded into this delivery by storm limiting. */
  suppressed?: number;
}

export interface DeliveryLog {
  append(entry: DeliveryEntry): void;
}

/** Bounded in-memory log (the newest `capacity` entries) for tests and the embedded default. */
export class MemoryDeliveryLog implements DeliveryLog {
  readonly entries: DeliveryEntry[] = [];
  private readonly capacity: number;
  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }
  append(entry: DeliveryEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }
}
