// The plugin's root context: configuration, rules, telemetry queue, control-plane streams and
// the tick. One per worker VM (Envoy clones the VM per worker, notes §8.6); state shared between
// workers lives only in shared data (rate-limit buckets).
import { RootContext, HttpContext, setRootFactory } from "./abi/context";
import { getBufferBytes, getStatusMessage, HeaderName, log, nowMillis, randomBytes, setTickPeriod } from "./abi/host";
import { BufferType, LogLevel } from "./abi/types";
import { PluginConfig, parsePluginConfig } from "./config/plugin-config";
import { ControlPlane } from "./control/control-plane";
import { encodeReportBatch, encodeWatchRulesRequest, GatewayInfo } from "./codec/telemetry-encode";
import { RateDescriptor } from "./policy/rate-descriptor";
import { SharedDataRateLimiter } from "./policy/rate-limiter";
import { ActiveRules, loadRules } from "./rules/active-rules";
import { builtinRuleSetBytes } from "./rules/builtin";
import { EventQueue } from "./telemetry/event-queue";
import { ApiEvent, GatewayCounters } from "./telemetry/event";
import { HeaderPair } from "./abi/pairs";
import { Metrics } from "./telemetry/metrics";
import { Exchange } from "./exchange";
import { Findings } from "./detect/findings";

export const FILTER_VERSION = "0.1.0";
// The tick drives flushing and reconnects; 100 ms keeps reconnect latency low at negligible cost.
// @ts-ignore: decorator
@inline const TICK_MS: u32 = 100;
const RULES_VERSION_ZERO = "rules: version 0 is reserved for the built-in rules";
// Telemetry waiting for the control plane, in bytes, besides queue_size events (event-queue.ts);
// the same bound as the unacknowledged batches (control/control-plane.ts).
// @ts-ignore: decorator
@inline const MAX_QUEUE_BYTES: i64 = 1 << 20;
// A batch with no events (a heartbeat with counters) at least this often.
// @ts-ignore: decorator
@inline const HEARTBEAT_MS: u64 = 10_000;
// Spare finding lists and events kept for reuse: more than the exchanges one worker usually has in
// flight.
// @ts-ignore: decorator
@inline const MAX_SPARES: i32 = 64;

/**
 * What deleted exchanges leave for the next ones, already emptied by the giver: a new exchange
 * takes one instead of allocating it anew. A bounded few are kept.
 */
export class Spares<T> {
  private items: Array<T> = new Array<T>();

  /** A spare one, or null when none is. */
  take(): T | null {
    return this.items.length > 0 ? this.items.pop() : null;
  }

  give(item: T): void {
    if (this.items.length < MAX_SPARES) this.items.push(item);
  }
}

function hex(buf: ArrayBuffer): string {
  let s = "";
  const p = changetype<usize>(buf);
  for (let i = 0; i < buf.byteLength; i++) {
    const b = load<u8>(p + <usize>i);
    s += (b < 16 ? "0" : "") + (<u32>b).toString(16);
  }
  return s;
}

export class PalisadeRoot extends RootContext {
  config: PluginConfig = new PluginConfig();
  active: ActiveRules | null = null;
  metrics: Metrics = new Metrics();
  queue: EventQueue = new EventQueue(1);
  counters: GatewayCounters = new GatewayCounters();
  limiter: SharedDataRateLimiter = new SharedDataRateLimiter();
  rateDescriptor: RateDescriptor = new RateDescriptor();
  /** config.rateLimitDescriptorHeader, encoded once. */
  rateDescriptorName: HeaderName = new HeaderName("");
  controlPlane: ControlPlane | null = null;
  bootId: string = "";
  hashKey0: u64 = 0;
  hashKey1: u64 = 0;
  nextEventId: u64 = 1;
  sequence: u64 = 1;
  lastFlushMs: u64 = 0;
  private rng: u64 = 0x9e3779b97f4a7c15;
  /**
   * Finding lists of deleted exchanges: their Finding objects are refilled instead of allocated
   * anew (each exchange would otherwise allocate up to max_findings).
   */
  spareFindings: Spares<Findings> = new Spares<Findings>();
  /** Events of deleted exchanges (encoded and queued already): two dozen objects each. */
  spareEvents: Spares<ApiEvent> = new Spares<ApiEvent>();
  /** Request header lists of deleted exchanges: getHeaderPairs() refills them and their pairs. */
  spareHeaders: Spares<Array<HeaderPair>> = new Spares<Array<HeaderPair>>();
  configured: bool = false;

  onConfigure(configSize: u32): bool {
    const raw = getBufferBytes(BufferType.PluginConfiguration, 0, configSize);
    const text = raw !== null ? String.UTF8.decode(raw) : "";
    const parsed = parsePluginConfig(text);
    const config = parsed.config;
    if (config === null) {
      // Refusing here makes Envoy reject the listener config (or fail open, as configured).
      log(LogLevel.Critical, parsed.error);
      return false;
    }
    this.config = config;
    this.rateDescriptorName = new HeaderName(config.rateLimitDescriptorHeader);
    this.hashKey0 = load<u64>(changetype<usize>(config.hashKey));
    this.hashKey1 = load<u64>(changetype<usize>(config.hashKey) + 8);
    const seed = randomBytes(16);
    this.bootId = hex(seed);
    this.rng = load<u64>(changetype<usize>(seed)) | 1;
    this.metrics.define();
    this.queue = new EventQueue(<i32>config.queueSize, MAX_QUEUE_BYTES);
    const builtinBytes = builtinRuleSetBytes();
    if (builtinBytes === null) {
      log(LogLevel.Critical, "palisade: built-in rules refused: the embedded packing is corrupt");
      return false;
    }
    const builtin = loadRules(builtinBytes, this.hashKey0, this.hashKey1);
    if (builtin.active === null) {
      log(LogLevel.Critical, "palisade: built-in rules refused: " + builtin.error);
      return false;
    }
    this.active = builtin.active;
    this.metrics.set(this.metrics.rulesVersion, 0);
    if (config.controlPlaneCluster.length > 0) {
      this.controlPlane = new ControlPlane(config);
      this.connect(nowMillis());
    }
    setTickPeriod(TICK_MS);
    this.lastFlushMs = nowMillis();
    this.configured = true;
    log(LogLevel.Info, "palisade: configured (mode " + (config.mode == 1 ? "monitor" : "enforce") + ", control plane " + (config.controlPlaneCluster.length > 0 ? config.controlPlaneCluster : "none") + ")");
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    if (!this.configured) return null;
    return new Exchange(id, this);
  }

  /** xorshift64: sampling and backoff jitter need no cryptographic quality. */
  random(): u64 {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    this.rng = x;
    return x;
  }

  // ---- control plane -------------------------------------------------------------------------

  private connect(nowMs: u64): void {
    const cp = this.controlPlane;
    if (cp === null) return;
    if (!cp.rules.open && nowMs >= cp.rules.nextAttemptMs) {
      if (cp.rules.opens > 0) this.metrics.add(this.metrics.reconnects, 1);
      if (cp.openStream(cp.rules, "WatchRules", nowMs, this.random())) {
        const info = new GatewayInfo();
        info.id = this.config.gatewayId;
        info.kind = this.config.gatewayKind;
        info.version = FILTER_VERSION;
        info.hostname = this.config.gatewayId;
        info.bootId = this.bootId;
        const held = this.active !== null ? this.active!.version : 0;
        cp.send(cp.rules, encodeWatchRulesRequest(info, held, 0, 0, "", this.heldDetectorsDigest()));
      }
    }
    if (!cp.report.open && nowMs >= cp.report.nextAttemptMs) {
      if (cp.report.opens > 0) this.metrics.add(this.metrics.reconnects, 1);
      if (cp.openStream(cp.report, "Report", nowMs, this.random())) cp.resendUnacked();
    }
  }

  onTick(): void {
    const now = nowMillis();
    this.connect(now);
    const due = now - this.lastFlushMs >= <u64>this.config.flushIntervalMs;
    if ((due && this.queue.length > 0) || now - this.lastFlushMs >= HEARTBEAT_MS) this.flush(now);
  }

  onGrpcReceive(token: u32, size: u32): void {
    const cp = this.controlPlane;
    if (cp === null) return;
    const buf = getBufferBytes(BufferType.GrpcReceiveBuffer, 0, size);
    if (buf === null) return;
    if (token == cp.rules.token) this.onRuleSet(buf);
    else if (token == cp.report.token) cp.onAck(buf);
  }

  onGrpcClose(token: u32, status: u32): void {
    const cp = this.controlPlane;
    if (cp === null) return;
    const now = nowMillis();
    if (token == cp.rules.token) {
      log(LogLevel.Warn, "palisade: WatchRules stream closed (grpc status " + status.toString() + " " + getStatusMessage() + "); reconnecting");
      cp.rules.closed(now, this.random());
    } else if (token == cp.report.token) {
      log(LogLevel.Warn, "palisade: Report stream closed (grpc status " + status.toString() + " " + getStatusMessage() + "); reconnecting");
      cp.onReportClosed(now, this.random());
    }
  }

  /** A RuleSet from WatchRules: validate fully, then swap for new requests, or refuse. */
  private onRuleSet(buf: ArrayBuffer): void {
    const cp = this.controlPlane;
    if (cp === null) return;
    cp.rules.healthy();
    const loaded = loadRules(buf, this.hashKey0, this.hashKey1, this.active);
    const active = loaded.active;
    // Version 0 is the embedded built-in set; a control plane numbers its versions from 1, so a
    // pushed version 0 (an empty message, for one) is refused rather than replacing the built-ins.
    // Except the built-in set itself sent back lean over the built-ins held (detectors_omitted, the
    // held tables named): a control plane with nothing published so serves value releases.
    const held = this.active;
    const builtinAgain = active !== null && active.rules.detectorsOmitted && held !== null && held!.version == 0;
    const error = active === null ? loaded.error : active.version == 0 && !builtinAgain ? RULES_VERSION_ZERO : "";
    if (active === null || error.length > 0) {
      const version = peekVersion(buf);
      log(LogLevel.Error, "palisade: refused rules version " + version.toString() + ": " + error);
      this.metrics.add(this.metrics.rulesRejected, 1);
      cp.send(cp.rules, encodeWatchRulesRequest(null, 0, 0, version, error, this.heldDetectorsDigest()));
      return;
    }
    this.active = active;
    this.metrics.set(this.metrics.rulesVersion, active.version);
    log(LogLevel.Info, "palisade: applied rules version " + active.version.toString());
    cp.send(cp.rules, encodeWatchRulesRequest(null, 0, active.version, 0, "", this.heldDetectorsDigest()));
  }

  /** The detector tables in force, stated on every WatchRules message so unchanged ones are not resent. */
  private heldDetectorsDigest(): string {
    return this.active !== null ? this.active!.rules.detectorsDigest : "";
  }

  // ---- telemetry -----------------------------------------------------------------------------

  enqueue(event: ArrayBuffer): void {
    if (this.controlPlane === null) return;
    const before = this.queue.dropped;
    this.queue.push(event);
    this.counters.eventsQueued++;
    if (this.queue.dropped > before) this.countDropped(this.queue.dropped - before);
    if (<u32>this.queue.length >= this.config.batchSize) this.flush(nowMillis());
  }

  countDropped(n: u64): void {
    if (n == 0) return;
    this.counters.eventsDropped += n;
    this.metrics.add(this.metrics.eventsDropped, <i64>n);
  }

  /**
   * Sends one batch when the Report stream is open; otherwise events wait in the bounded queue.
   * Sent batches are kept until acknowledged and sent again after a reconnect (control-plane.ts).
   */
  flush(nowMs: u64): void {
    const cp = this.controlPlane;
    if (cp === null || !cp.report.open) return;
    this.lastFlushMs = nowMs;
    const events = this.queue.take(<i32>this.config.batchSize);
    const seq = this.sequence++;
    const batch = encodeReportBatch(this.config.gatewayId, seq, events, this.counters, nowMs, this.bootId);
    const lostBefore = cp.lostEvents;
    cp.sendBatch(seq, events.length, batch);
    this.metrics.add(this.metrics.eventsSent, events.length);
    this.countDropped(cp.lostEvents - lostBefore);
  }

  onDone(): bool {
    const cp = this.controlPlane;
    if (cp !== null) {
      this.flush(nowMillis());
      cp.cancelAll();
    }
    return true;
  }
}

/** RuleSet.version (field 1) of bytes that failed validation, for the rejection ack. */
function peekVersion(buf: ArrayBuffer): u64 {
  if (buf.byteLength < 2 || load<u8>(changetype<usize>(buf)) != 0x08) return 0;
  let v: u64 = 0;
  let shift: u64 = 0;
  for (let i = 1; i < buf.byteLength && i < 11; i++) {
    const b = load<u8>(changetype<usize>(buf) + <usize>i);
    v |= (<u64>(b & 0x7f)) << shift;
    if ((b & 0x80) == 0) return v;
    shift += 7;
  }
  return 0;
}

setRootFactory((id: u32): RootContext => new PalisadeRoot(id));
