// The push hub: every open WatchRules stream registers a watcher; a new version is serialized
// once (CurrentRules.compiled.bytes) and the same Buffer is written to every watcher. A watcher
// whose stream is not draining keeps only the newest pending version (gateways only ever need the
// latest), so a slow gateway costs one Buffer reference, not a queue.
import { EventEmitter } from 'node:events';
import type { CurrentRules, RulesService } from './rules-service.ts';

export interface Watcher {
  readonly gatewayId: string;
  /** Newest version this stream holds or was sent. */
  sentVersion: number;
  /** Writes one pre-serialized RuleSet; returns false when the stream wants a 'drain' first. */
  write(bytes: Buffer): boolean;
}

interface Slot {
  watcher: Watcher;
  blocked: boolean;
  pending: CurrentRules | null;
}

export interface HubEvents {
  /** A gateway applied a version (from WatchRulesRequest.appliedVersion). */
  ack: [gatewayId: string, version: number];
  /** A gateway refused a version. */
  reject: [gatewayId: string, version: number, reason: string];
}

export class PushHub extends EventEmitter<HubEvents> {
  private readonly slots = new Map<Watcher, Slot>();
  private readonly unsubscribe: () => void;
  private isClosed = false;

  constructor(private readonly rules: RulesService) {
    super();
    this.setMaxListeners(0);
    this.unsubscribe = rules.onVersion((c) => this.broadcast(c));
  }

  get size(): number {
    return this.slots.size;
  }

  /** Registers a watcher and sends it the current version at once if it is newer than held. */
  add(watcher: Watcher): void {
    const slot: Slot = { watcher, blocked: false, pending: null };
    this.slots.set(watcher, slot);
    this.offer(slot, this.rules.current());
  }

  remove(watcher: Watcher): void {
    this.slots.delete(watcher);
  }

  /** The stream drained: send what arrived meanwhile. */
  drained(watcher: Watcher): void {
    const slot = this.slots.get(watcher);
    if (!slot) return;
    slot.blocked = false;
    const p = slot.pending;
    slot.pending = null;
    if (p) this.offer(slot, p);
  }

  private broadcast(c: CurrentRules): void {
    for (const slot of this.slots.values()) this.offer(slot, c);
  }

  private offer(slot: Slot, c: CurrentRules): void {
    if (c.version <= slot.watcher.sentVersion) return;
    if (slot.blocked) {
      slot.pending = c;
      return;
    }
    slot.watcher.sentVersion = c.version;
    if (!slot.watcher.write(c.compiled.bytes)) slot.blocked = true;
  }

  /** True once the control plane is shutting down: watchers leaving then are not recorded. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Stops pushing; returns the watchers that were registered (so their connections can be
   * recorded as closed while the store is still open). */
  close(): Watcher[] {
    this.isClosed = true;
    this.unsubscribe();
    const left = [...this.slots.keys()];
    this.slots.clear();
    return left;
  }
}
