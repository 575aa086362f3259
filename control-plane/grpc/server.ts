// GatewayService over @grpc/grpc-js. The edge between gateways and ingest:
// - every call authenticates with `authorization: Bearer <token>` (UNAUTHENTICATED otherwise);
// - Report acks a batch only once ingest says it is durable, duplicate or rejected;
// - flow control: when `maxInFlight` batches (or `maxInFlightBytes`) of one stream are un-acked,
//   the stream stops being read, so HTTP/2 flow control pushes back to the gateway instead of
//   memory growing here;
// - a batch that does not decode, or is larger than `maxBatchBytes`, ends the stream with
//   INVALID_ARGUMENT and a counter (decoding is wrapped so grpc-js never sees the exception).
import * as grpc from '@grpc/grpc-js';
import type { ReportAck } from '../../proto/gen/palisade/v1/ReportAck.ts';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import type { RuleSet } from '../../proto/gen/palisade/v1/RuleSet.ts';
import type { WatchRulesRequest__Output } from '../../proto/gen/palisade/v1/WatchRulesRequest.ts';
import { loadPalisadeGrpc } from '../../proto/load.ts';
import type { GatewayRegistry } from '../gateways/gateway-registry.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { createGrpcMetrics, type GrpcMetrics } from './grpc-metrics.ts';
import { batchReader } from './batch-reader.ts';
import { messageType, wireProblem } from './wire-check.ts';
import { listenGrpc } from './listen-backlog.ts';

export type WatchRulesCall = grpc.ServerDuplexStream<WatchRulesRequest__Output, RuleSet>;

/**
 * The WatchRules implementation (control-plane/rules/watch-rules.ts). Called after the token was
 * verified, with the gateway id the token belongs to.
 */
export type WatchRulesHandler = (call: WatchRulesCall, auth: { gatewayId: string }) => void;

export type AuthenticateGateway = (token: string) => Promise<{ gatewayId: string } | null>;

export interface GrpcTlsOptions {
  /** PEM server certificate chain. */
  cert: Buffer | string;
  /** PEM private key. */
  key: Buffer | string;
  /** PEM CA bundle for client certificates (mTLS). */
  ca?: Buffer | string;
  /** Refuse clients without a certificate signed by `ca`. */
  requireClientCert?: boolean;
}

export interface GrpcServerOptions {
  ingest: Pick<Ingest, 'ingestBatch'>;
  gateways: Pick<GatewayRegistry, 'seen'>;
  authenticateGateway: AuthenticateGateway;
  watchRules?: WatchRulesHandler;
  /** Listen address, default `0.0.0.0:0` (an ephemeral port). */
  address?: string;
  tls?: GrpcTlsOptions;
  /** Un-acked batches per Report stream before reading pauses (default 32). */
  maxInFlight?: number;
  /** Un-acked encoded bytes per Report stream before reading pauses (default 16 MiB). */
  maxInFlightBytes?: number;
  /** Largest encoded ReportBatch accepted (default 8 MiB). */
  maxBatchBytes?: number;
}

export interface GrpcServer {
  port: number;
  metrics: GrpcMetrics;
  /** Stops accepting calls, lets open calls finish for up to `graceMs` (default 2 000), then cuts them. */
  close(graceMs?: number): Promise<void>;
}

interface Undecodable {
  undecodable: 'malformed' | 'oversized';
  detail: string;
}

/**
 * The bytes each decoded batch came from (entries vanish with the batch): their size drives
 * byte-based flow control, and ingest may decode them again (Ingest.ingestBatch's reread).
 */
const encodedBytes = new WeakMap<object, Buffer>();

const isUndecodable = (v: unknown): v is Undecodable => typeof v === 'object' && v !== null && 'undecodable' in v;

function bearer(metadata: grpc.Metadata): string | null {
  const v = metadata.get('authorization')[0];
  if (typeof v !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(v);
  return m ? m[1]! : null;
}

function fail(call: grpc.ServerDuplexStream<unknown, unknown>, code: grpc.status, details: string): void {
  call.emit('error', { code, details, metadata: new grpc.Metadata() });
}

export async function createGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const { ingest, gateways, authenticateGateway, watchRules } = options;
  const maxInFlight = options.maxInFlight ?? 32;
  const maxInFlightBytes = options.maxInFlightBytes ?? 16 * 1024 * 1024;
  const maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
  const metrics = createGrpcMetrics();
  const definition = loadPalisadeGrpc().palisade.v1.GatewayService.service;

  // Decoding is ours: a bad message becomes a value the handler answers, not an opaque INTERNAL.
  const report = definition.Report;
  const batchType = messageType('ReportBatch');
  const service: grpc.ServiceDefinition = {
    ...definition,
    Report: {
      ...report,
      requestDeserialize: (buf: Buffer) => {
        if (buf.length > maxBatchBytes)
          return { undecodable: 'oversized', detail: `batch of ${buf.length} bytes exceeds ${maxBatchBytes}` };
        const problem = wireProblem(buf, batchType);
        if (problem) return { undecodable: 'malformed', detail: problem };
        try {
          // The message instance itself, not proto-loader's toObject copy (defaults, longs and
          // enums as strings): ingest reads numbers, Longs and enum numbers directly, and skipping
          // the copy halves the decode cost of a batch. Small uint64 fields come as plain numbers.
          const message = batchType.decode(batchReader(buf)) as unknown as ReportBatch;
          encodedBytes.set(message, buf);
          return message;
        } catch (err) {
          return { undecodable: 'malformed', detail: (err as Error).message };
        }
      },
    },
  };

  async function authenticate(call: grpc.ServerDuplexStream<unknown, unknown>): Promise<string | null> {
    const token = bearer(call.metadata);
    let who: { gatewayId: string } | null = null;
    if (token) {
      try {
        who = await authenticateGateway(token);
      } catch {
        who = null;
      }
    }
    if (!who) {
      metrics.inc('grpc_unauthenticated_total');
      fail(
        call,
        grpc.status.UNAUTHENTICATED,
        token ? 'unknown or revoked gateway token' : 'missing "authorization: Bearer <token>" metadata',
      );
      return null;
    }
    return who.gatewayId;
  }

  function handleReport(call: grpc.ServerDuplexStream<ReportBatch | Undecodable, ReportAck>): void {
    metrics.inc('grpc_report_streams_total');
    // Nothing is read before the token is checked.
    call.pause();
    let gatewayId = '';
    let inFlight = 0;
    let inFlightBytes = 0;
    let ended = false;
    let failed = false;
    let tail: Promise<void> = Promise.resolve();

    const maybeFinish = () => {
      if (ended && inFlight === 0 && !failed) call.end();
    };

    call.on('data', (batch: ReportBatch | Undecodable) => {
      if (failed) return;
      if (isUndecodable(batch)) {
        failed = true;
        metrics.inc(batch.undecodable === 'oversized' ? 'grpc_report_oversized_total' : 'grpc_report_malformed_total');
        fail(call, grpc.status.INVALID_ARGUMENT, `${batch.undecodable} ReportBatch: ${batch.detail}`);
        return;
      }
      metrics.inc('grpc_report_batches_total');
      const encoded = encodedBytes.get(batch);
      const bytes = encoded?.length ?? 0;
      inFlight++;
      inFlightBytes += bytes;
      if (inFlight >= maxInFlight || inFlightBytes >= maxInFlightBytes) {
        metrics.inc('grpc_report_paused_total');
        call.pause();
      }
      // Should the batch's commit group meet a duplicate, ingest reads it again from its bytes
      // rather than keeping the decoded message (one object per field of every event) until then.
      const done = ingest.ingestBatch(
        gatewayId,
        batch,
        encoded && (() => batchType.decode(batchReader(encoded)) as unknown as ReportBatch),
      );
      // Only the sequence is kept for the ack: holding the decoded batch until its commit would keep
      // every event's message objects alive across collections (most of the GC work under load).
      const sequence = batch.sequence;
      // Acks are written in arrival order (ingest commits in order too).
      tail = tail.then(async () => {
        try {
          const r = await done;
          if (failed) return;
          metrics.inc(
            r.status === 'ACK_STATUS_OK'
              ? 'grpc_report_acks_ok_total'
              : r.status === 'ACK_STATUS_DUPLICATE'
                ? 'grpc_report_acks_duplicate_total'
                : 'grpc_report_acks_rejected_total',
          );
          call.write({ sequence, status: r.status, accepted: r.accepted, message: r.message });
        } catch (err) {
          // Not durable: no ack. The gateway resends the batch on its next stream.
          if (!failed) {
            failed = true;
            metrics.inc('grpc_report_store_errors_total');
            fail(call, grpc.status.UNAVAILABLE, `store unavailable: ${(err as Error).message}`);
          }
        } finally {
          inFlight--;
          inFlightBytes -= bytes;
          if (!failed && inFlight < maxInFlight && inFlightBytes < maxInFlightBytes && call.isPaused()) call.resume();
          maybeFinish();
        }
      });
    });
    call.on('end', () => {
      ended = true;
      maybeFinish();
    });
    call.on('error', () => {
      failed = true;
    });

    void authenticate(call).then((id) => {
      if (!id) {
        failed = true;
        return;
      }
      gatewayId = id;
      void gateways.seen(id).catch(() => undefined);
      call.resume();
    });
  }

  function handleWatchRules(call: WatchRulesCall): void {
    metrics.inc('grpc_watch_streams_total');
    if (!watchRules) {
      fail(call, grpc.status.UNIMPLEMENTED, 'WatchRules is not available on this control plane');
      return;
    }
    call.pause();
    void authenticate(call).then((id) => {
      if (!id) return;
      watchRules(call, { gatewayId: id });
      call.resume();
    });
  }

  const server = new grpc.Server({
    // Our own limit is checked in the deserializer (with a clear message); this one only caps
    // what grpc-js buffers before handing the message to it.
    'grpc.max_receive_message_length': maxBatchBytes + 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(service, {
    Report: handleReport as grpc.handleBidiStreamingCall<unknown, unknown>,
    WatchRules: handleWatchRules as grpc.handleBidiStreamingCall<unknown, unknown>,
  });
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        options.tls.ca ? Buffer.from(options.tls.ca) : null,
        [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
        options.tls.requireClientCert ?? false,
      )
    : grpc.ServerCredentials.createInsecure();
  const listener = await listenGrpc(server, options.address ?? '0.0.0.0:0', credentials);
  return {
    port: listener.port,
    metrics,
    close(graceMs = 2_000) {
      listener.close();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
