// Loads the palisade.v1 contract for @grpc/grpc-js with the options the generated types in
// proto/gen/ were produced with (scripts/lib/proto-gen.mjs). Everyone loads it through here.
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './gen/gateway.ts';

export const PROTO_ROOT = dirname(fileURLToPath(import.meta.url));
export const PROTO_FILES = ['common', 'telemetry', 'rules', 'gateway', 'admin'].map((n) => `palisade/v1/${n}.proto`);

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: ProtoGrpcType | undefined;

/** The loaded package definition as typed grpc-js constructors (GatewayService client/server). */
export function loadPalisadeGrpc(): ProtoGrpcType {
  if (cached) return cached;
  const missing = PROTO_FILES.filter((f) => !existsSync(join(PROTO_ROOT, f)));
  if (missing.length) throw new Error(`proto files missing: ${missing.join(', ')}`);
  const definition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
  cached = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return cached;
}
