// The two gRPC streams to the control plane (gateway.proto GatewayService): Report (batches up,
// acks down) and WatchRules (rules down, applied/rejected acks up). Both are owned by the root
// context: Envoy delivers every gRPC callback there (notes §6). A closed stream is reopened from
// the tick with exponential backoff; nothing here ever blocks a request.
import { grpcCancel, grpcSend, grpcStream, lastStatus } from "../abi/host";
import { HeaderPair } from "../abi/pairs";
import { WasmResult } from "../abi/types";
import { encodeEnvoyGrpcService } from "../codec/telemetry-encode";
import { ProtoReader } from "../codec/reader";
import { PluginConfig } from "../config/plugin-config";

export const SERVICE = "palisade.v1.GatewayService";

// @ts-ignore: decorator
@inline const BACKOFF_MIN_MS: u64 = 250;
// @ts-ignore: decorator
@inline const BACKOFF_MAX_MS: u64 = 30_000;
// Unacked batches remembered for drop accounting; beyond this the oldest is assumed lost.
// @ts-ignore: decorator
@inline const MAX_UNACKED: i32 = 64;

/** One reconnecting stream. */
export class StreamSlot {
  token: u32 = 0;
  backoffMs: u64 = BACKOFF_MIN_MS;
  nextAttemptMs: u64 = 0;
  opens: u64 = 0;

  get open(): bool {
    return this.token != 0;
  }

  closed(nowMs: u64, jitter: u64): void {
    this.token = 0;
    this.nextAttemptMs = nowMs + this.backoffMs + (jitter % (this.backoffMs / 2 + 1));
    this.backoffMs = this.backoffMs * 2 < BACKOFF_MAX_MS ? this.backoffMs * 2 : BACKOFF_MAX_MS;
  }

  /** A message arrived: the control plane is healthy again. */
  healthy(): void {
    this.backoffMs = BACKOFF_MIN_MS;
  }
}

export class ControlPlane {
  report: StreamSlot = new StreamSlot();
  rules: StreamSlot = new StreamSlot();
  private target: ArrayBuffer;
  private metadata: Array<HeaderPair>;
  /** sequence → number of events, for batches sent but not acknowledged yet. */
  private unackedSeq: Array<u64> = [];
  private unackedCount: Array<i32> = [];
  /** Events lost with batches that were never acknowledged. */
  lostEvents: u64 = 0;

  constructor(public config: PluginConfig) {
    this.target =
      config.controlPlaneAuthority.length > 0
        ? encodeEnvoyGrpcService(config.controlPlaneCluster, config.controlPlaneAuthority)
        : String.UTF8.encode(config.controlPlaneCluster);
    this.metadata = [new HeaderPair("authorization", "Bearer " + config.token)];
  }

  get enabled(): bool {
    return this.config.controlPlaneCluster.length > 0;
  }

  /** Opens `slot` on `method`; false when the host refused (retried later with backoff). */
  openStream(slot: StreamSlot, method: string, nowMs: u64, jitter: u64): bool {
    const token = grpcStream(this.target, SERVICE, method, this.metadata);
    if (lastStatus != WasmResult.Ok || token == 0) {
      slot.closed(nowMs, jitter);
      return false;
    }
    slot.token = token;
    slot.opens++;
    return true;
  }

  send(slot: StreamSlot, message: ArrayBuffer): bool {
    if (!slot.open) return false;
    return grpcSend(slot.token, message, false) == WasmResult.Ok;
  }

  /** Sends a ReportBatch; false when it could not be handed to the host. */
  sendBatch(sequence: u64, eventCount: i32, batch: ArrayBuffer): bool {
    if (!this.send(this.report, batch)) return false;
    if (eventCount > 0) {
      if (this.unackedSeq.length >= MAX_UNACKED) {
        this.lostEvents += <u64>this.unackedCount[0];
        this.unackedSeq.shift();
        this.unackedCount.shift();
      }
      this.unackedSeq.push(sequence);
      this.unackedCount.push(eventCount);
    }
    return true;
  }

  /** ReportAck.sequence (field 1); acknowledged batches are forgotten. */
  onAck(buf: ArrayBuffer): void {
    const r = ProtoReader.of(buf);
    let seq: u64 = 0;
    for (let f = r.tag(); f != 0; f = r.tag()) {
      if (f == 1) seq = r.varint();
      else r.skip();
    }
    if (r.failed) return;
    for (let i = 0; i < this.unackedSeq.length; i++) {
      if (this.unackedSeq[i] <= seq) {
        // Acks come in order; everything up to `seq` is settled (stored, duplicate or rejected).
        this.unackedSeq.splice(i, 1);
        this.unackedCount.splice(i, 1);
        i--;
      }
    }
    this.report.healthy();
  }

  /** The report stream closed: its unacknowledged events are lost (at-most-once delivery). */
  onReportClosed(nowMs: u64, jitter: u64): void {
    for (let i = 0; i < this.unackedCount.length; i++) this.lostEvents += <u64>this.unackedCount[i];
    this.unackedSeq = [];
    this.unackedCount = [];
    this.report.closed(nowMs, jitter);
  }

  cancelAll(): void {
    if (this.report.open) grpcCancel(this.report.token);
    if (this.rules.open) grpcCancel(this.rules.token);
    this.report.token = 0;
    this.rules.token = 0;
  }
}
