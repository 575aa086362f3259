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
import { StreamSlot } from "./stream-slot";

export const SERVICE = "palisade.v1.GatewayService";

// Sent batches kept until the control plane acknowledges them, so a stream that dies (or never
// really opened: the host hands out a token before the connection exists) loses nothing: they are
// sent again, oldest first, on the next Report stream. The control plane answers a batch it already
// stored (same gateway, boot id and sequence) with ACK_STATUS_DUPLICATE, so a resend never counts
// twice. Bounded in count and bytes; past either bound the oldest batch is given up and its events
// are counted as dropped.
// @ts-ignore: decorator
@inline const MAX_UNACKED: i32 = 64;
// @ts-ignore: decorator
@inline const MAX_UNACKED_BYTES: i32 = 1 << 20;

export class ControlPlane {
  report: StreamSlot = new StreamSlot();
  rules: StreamSlot = new StreamSlot();
  private target: ArrayBuffer;
  private metadata: Array<HeaderPair>;
  /** Batches sent but not acknowledged yet, oldest first: sequence, event count, bytes. */
  private unackedSeq: Array<u64> = [];
  private unackedCount: Array<i32> = [];
  private unackedBatch: Array<ArrayBuffer> = [];
  private unackedBytes: i32 = 0;
  /** Events given up because the unacknowledged batches outgrew their bounds. */
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

  /**
   * Sends a ReportBatch and keeps it until acknowledged; false when the stream is not open (the
   * caller keeps the events queued). Batches without events (heartbeats) are not kept.
   */
  sendBatch(sequence: u64, eventCount: i32, batch: ArrayBuffer): bool {
    if (!this.report.open) return false;
    this.send(this.report, batch);
    if (eventCount > 0) {
      this.unackedSeq.push(sequence);
      this.unackedCount.push(eventCount);
      this.unackedBatch.push(batch);
      this.unackedBytes += batch.byteLength;
      while (this.unackedSeq.length > MAX_UNACKED || (this.unackedBytes > MAX_UNACKED_BYTES && this.unackedSeq.length > 1)) {
        this.lostEvents += <u64>this.unackedCount[0];
        this.forgetOldest();
      }
    }
    return true;
  }

  /** A new Report stream is open: what the old one did not get acknowledged goes first. */
  resendUnacked(): void {
    for (let i = 0; i < this.unackedBatch.length; i++) this.send(this.report, this.unackedBatch[i]);
  }

  get unackedBatches(): i32 {
    return this.unackedSeq.length;
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
    // Acks come in order; everything up to `seq` is settled (stored, duplicate or rejected).
    while (this.unackedSeq.length > 0 && this.unackedSeq[0] <= seq) this.forgetOldest();
    this.report.healthy();
  }

  /** The Report stream closed: unacknowledged batches wait for the next one (resendUnacked). */
  onReportClosed(nowMs: u64, jitter: u64): void {
    this.report.closed(nowMs, jitter);
  }

  private forgetOldest(): void {
    this.unackedBytes -= this.unackedBatch[0].byteLength;
    this.unackedSeq.shift();
    this.unackedCount.shift();
    this.unackedBatch.shift();
  }

  cancelAll(): void {
    if (this.report.open) grpcCancel(this.report.token);
    if (this.rules.open) grpcCancel(this.rules.token);
    this.report.token = 0;
    this.rules.token = 0;
  }
}
