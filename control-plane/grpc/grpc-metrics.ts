// Every gRPC server counter, declared once (docs/operations.md lists the same names).
export const GRPC_COUNTERS = [
  'grpc_report_streams_total',
  'grpc_report_batches_total',
  'grpc_report_acks_ok_total',
  'grpc_report_acks_duplicate_total',
  'grpc_report_acks_rejected_total',
  'grpc_report_malformed_total',
  'grpc_report_oversized_total',
  'grpc_report_store_errors_total',
  'grpc_report_paused_total',
  'grpc_unauthenticated_total',
  'grpc_watch_streams_total',
] as const;

export type GrpcCounter = (typeof GRPC_COUNTERS)[number];

export interface GrpcMetrics {
  inc(name: GrpcCounter, by?: number): void;
  snapshot(): Record<GrpcCounter, number>;
}

export function createGrpcMetrics(): GrpcMetrics {
  const values = Object.fromEntries(GRPC_COUNTERS.map((n) => [n, 0])) as Record<GrpcCounter, number>;
  return {
    inc(name, by = 1) {
      values[name] += by;
    },
    snapshot: () => ({ ...values }),
  };
}
