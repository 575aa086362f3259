// protobufjs view of the palisade.v1 contract for filter tests: encodes what the control plane
// would send (RuleSet) and decodes what the filter sends (ReportBatch, WatchRulesRequest).
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { PROTO_FILES, PROTO_ROOT } from '../../../proto/load.ts';

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  r.loadSync(PROTO_FILES);
  r.resolveAll();
  root = r;
  return r;
}

export const messageType = (name: string): protobuf.Type => protoRoot().lookupType(`palisade.v1.${name}`);

/** Encodes a message given in proto3 JSON form (camelCase fields, enum names as strings). */
export function encodeMessage(name: string, json: Record<string, unknown>): Uint8Array {
  const type = messageType(name);
  const problem = type.verify(type.fromObject(json));
  if (problem) throw new Error(`${name}: ${problem}`);
  return type.encode(type.fromObject(json)).finish();
}

/** Decodes to plain JSON with enum names, longs as strings, defaults omitted. */
export function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  const type = messageType(name);
  return type.toObject(type.decode(bytes), { enums: String, longs: String, bytes: String }) as Record<string, unknown>;
}
