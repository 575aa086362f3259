// The push hub: every open WatchRules stream registers a watcher; a new version is serialized
// once (CurrentRules.bytes, and CurrentRules.lean without the detector tables) and the
// same Buffer is written to every watcher, in one synchronous loop (grpc-js flushes the sockets).
// A watcher whose stream is not draining keeps only the newest pending version (gateways only
// ever need the latest), so a slow gateway costs one Buffer reference, not a queue.
// Detector tables (~78 KB of a ~78 KB RuleSet) travel only to gateways that do not hold them: a
// watcher that stated the version's detectors digest gets the lean form.
import { EventEmitter } from 'node:events';
import type { CurrentRules, RulesService } from './rules-service.ts';

export interface Watcher {
  readonly gatewayId: string;
  /** Newest version this stream holds or was sent. */
  sentVersion: number;
  /** RuleSet.releases_digest last sent with sentVersion ('' = none, or not sent yet). */
  sentReleasesDigest?: string;
  /**
   * RuleSet.detectors_digest of the tables the gateway holds, as it last stated it; '' = unknown
   * (also after a complete RuleSet was sent, until the gateway's ack says what it kept).
   */
  detectorsDigest: string;
  /** Writes one pre-serialized RuleSet; returns false when the stream wants a 'drain' first. */
  write(bytes: Buffer): boolean;
}

interface Slot {
  watcher: Watcher;
  blocked: boolean;
  pending: CurrentRules | null;
  /** Version last sent without its detector tables (0: none). */
  leanVersion: number;
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
  /** RuleSets written, and how many of them without detector tables (metrics, tests). */
  readonly sent = { complete: 0, lean: 0 };

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
    const slot: Slot = { watcher, blocked: false, pending: null, leanVersion: 0 };
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

  /**
   * The gateway refused `version` (its digest already updated from the refusal). If that version
   * went out without detector tables the gateway no longer holds, the current one is sent again
   * complete; a refusal for any other reason is final (sending it again would be refused again).
   */
  refused(watcher: Watcher, version: number): void {
    const slot = this.slots.get(watcher);
    if (!slot || version !== slot.leanVersion) return;
    slot.leanVersion = 0;
    const c = this.rules.current();
    if (watcher.detectorsDigest === c.compiled.detectorsDigest) return;
    watcher.sentVersion = Math.min(watcher.sentVersion, version - 1);
    this.offer(slot, c);
  }

  private broadcast(c: CurrentRules): void {
    for (const slot of this.slots.values()) this.offer(slot, c);
  }

  private offer(slot: Slot, c: CurrentRules): void {
    const w = slot.watcher;
    // A new release list goes out with the version in force, same version number.
    if (c.version < w.sentVersion || (c.version === w.sentVersion && c.releasesDigest === (w.sentReleasesDigest ?? ''))) return;
    if (slot.blocked) {
      slot.pending = c;
      return;
    }
    w.sentVersion = c.version;
    w.sentReleasesDigest = c.releasesDigest;
    let bytes: Buffer;
    if (c.lean && w.detectorsDigest === c.compiled.detectorsDigest) {
      bytes = c.lean;
      slot.leanVersion = c.version;
      this.sent.lean++;
    } else {
      bytes = c.bytes;
      // Until the ack says whether the gateway applied these tables, it holds unknown ones.
      w.detectorsDigest = '';
      slot.leanVersion = 0;
      this.sent.complete++;
    }
    if (!w.write(bytes)) slot.blocked = true;
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
