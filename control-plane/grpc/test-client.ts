// A minimal gateway for tests and benchmarks: opens Report streams with a token and collects acks.
import * as grpc from '@grpc/grpc-js';
import type { ReportAck__Output } from '../../proto/gen/palisade/v1/ReportAck.ts';
import type { ReportBatch } from '../../proto/gen/palisade/v1/ReportBatch.ts';
import type { GatewayServiceClient } from '../../proto/gen/palisade/v1/GatewayService.ts';
import { loadPalisadeGrpc } from '../../proto/load.ts';

/** Plaintext by default; pass `credentials` (grpc.credentials.createSsl) for TLS / mTLS. */
export function gatewayClient(
  port: number,
  credentials = grpc.credentials.createInsecure(),
  options: grpc.ClientOptions = {},
): GatewayServiceClient {
  const { GatewayService } = loadPalisadeGrpc().palisade.v1;
  return new GatewayService(`127.0.0.1:${port}`, credentials, {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    ...options,
  });
}

export function bearerMetadata(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

export interface ReportSession<Req = ReportBatch> {
  stream: grpc.ClientDuplexStream<Req, ReportAck__Output>;
  acks: ReportAck__Output[];
  /** Resolves with the acks once `n` arrived; rejects on stream error. */
  waitForAcks(n: number): Promise<ReportAck__Output[]>;
  /** Resolves with the final status error (or null when the stream ended cleanly). */
  closed: Promise<grpc.ServiceError | null>;
}

/**
 * A client whose Report stream takes ReportBatch messages already encoded (Buffers), for benchmarks
 * that encode their input before the clock starts: what remains client-side is gRPC framing.
 */
export function encodedReportClient(port: number): ReportClient<Buffer> & grpc.Client {
  const { Report } = loadPalisadeGrpc().palisade.v1.GatewayService.service;
  const Client = grpc.makeGenericClientConstructor({ Report: { ...Report, requestSerialize: (bytes: Buffer) => bytes } }, 'GatewayService');
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  }) as unknown as ReportClient<Buffer> & grpc.Client;
}

/** What openReport needs of a client: a Report call taking `Req` (a ReportBatch, or its bytes). */
export interface ReportClient<Req> {
  Report(metadata: grpc.Metadata): grpc.ClientDuplexStream<Req, ReportAck__Output>;
}

export function openReport<Req = ReportBatch>(client: ReportClient<Req> | GatewayServiceClient, token: string): ReportSession<Req> {
  const stream = (client as ReportClient<Req>).Report(bearerMetadata(token));
  const acks: ReportAck__Output[] = [];
  let waiters: { n: number; resolve: (a: ReportAck__Output[]) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | null = null;
  stream.on('data', (ack: ReportAck__Output) => {
    acks.push(ack);
    // Each waiter is answered once and dropped: a benchmark waits on every ack of a long stream,
    // and answering every waiter again with a copy of all acks made the client quadratic.
    if (!waiters.some((w) => acks.length >= w.n)) return;
    const done = waiters.filter((w) => acks.length >= w.n);
    waiters = waiters.filter((w) => acks.length < w.n);
    for (const w of done) w.resolve(acks.slice());
  });
  const closed = new Promise<grpc.ServiceError | null>((resolve) => {
    stream.on('error', (err: grpc.ServiceError) => {
      failure = err;
      for (const w of waiters) w.reject(err);
      resolve(err);
    });
    stream.on('end', () => resolve(null));
  });
  return {
    stream,
    acks,
    closed,
    waitForAcks(n) {
      if (acks.length >= n) return Promise.resolve(acks.slice());
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiters.push({ n, resolve, reject }));
    },
  };
}
