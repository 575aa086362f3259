// POST /v1/reports: the JSON form of ReportBatch for gateways that cannot speak gRPC (the Apigee
// shared flow). Same contract as GatewayService.Report: a gateway token whose gateway id matches
// the batch, an ack only once the batch is durable, duplicates acked and not stored twice.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { ref } from '../route-config.ts';
import { standaloneSchema } from '../../rules/proto-json-schema.ts';
import { messageType } from '../../rules/proto-json.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import type { ReportBatch } from '../../../proto/gen/palisade/v1/ReportBatch.ts';

/** Canonical JSON → the object form @grpc/proto-loader gives the gRPC handler (one ingest path). */
export function reportBatchFromJson(json: unknown): ReportBatch {
  const type = messageType('ReportBatch');
  return type.toObject(type.fromObject(json as object), {
    longs: String,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  }) as ReportBatch;
}

export default function reportRoutes(app: FastifyInstance, { ingestBatch }: HttpDeps): void {
  app.post(
    '/v1/reports',
    {
      config: {
        auth: ['gateway'],
        docs: { description: 'The batch is durable (OK) or was already stored (DUPLICATE).', schema: ref('ReportAck') },
      },
      schema: {
        summary: 'Report a batch of events (JSON form of ReportBatch)',
        description: 'For gateways without gRPC (Apigee). A refused batch answers 422 PAL-REPORT-INVALID and must not be resent.',
        tags: ['reports'],
        body: standaloneSchema('ReportBatch'),
      },
    },
    async (request) => {
      const gatewayId = request.principal!.gatewayId;
      const batch = reportBatchFromJson(request.body);
      if (batch.gatewayId && batch.gatewayId !== gatewayId) {
        throw new PalisadeError(Errors.GatewayMismatch, `the token is for gateway '${gatewayId}', the batch says '${batch.gatewayId}'`);
      }
      if (!ingestBatch) throw new PalisadeError(Errors.Unavailable, 'ingest is not running on this replica');
      const result = await ingestBatch(gatewayId, { ...batch, gatewayId });
      if (result.status === 'ACK_STATUS_REJECTED') throw new PalisadeError(Errors.ReportInvalid, result.message || 'the batch was refused');
      return { sequence: String(batch.sequence ?? '0'), status: result.status, message: result.message, accepted: result.accepted };
    },
  );
}
