// The contract's messages in their two wire forms for the control plane: protobuf binary (what
// gateways receive and what the RuleSet digest is computed over) and the canonical proto3 JSON
// mapping (what the HTTP API and the Apigee policy speak: lowerCamelCase names, enums by name,
// 64-bit integers as strings, bytes as base64, default values omitted).
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { PROTO_FILES, PROTO_ROOT } from '../../proto/load.ts';

let root: protobuf.Root | undefined;

/** The palisade.v1 contract as protobufjs reflection, loaded once. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  r.loadSync(PROTO_FILES, { keepCase: false });
  r.resolveAll();
  root = r;
  return r;
}

/** A message type by its short name in package palisade.v1 (`RuleSet`, `ReportBatch`, ...). */
export function messageType(name: string): protobuf.Type {
  return protoRoot().lookupType(`palisade.v1.${name}`);
}

/** An enum by its short name in package palisade.v1. */
export function enumType(name: string): protobuf.Enum {
  return protoRoot().lookupEnum(`palisade.v1.${name}`);
}

const CANONICAL: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false, json: true };

function isDefaultScalar(field: protobuf.Field, v: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return v === 0 || field.resolvedType.values[v as string] === 0;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) === 0;
  if (typeof v === 'string') return field.type === 'string' || field.type === 'bytes' ? v === '' : /^-?0*$/.test(v) && v !== '-';
  if (typeof v === 'boolean') return !v;
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && v && 'low' in v && 'high' in v)
    return (v as { low: number; high: number }).low === 0 && (v as { high: number }).high === 0;
  return false;
}

/**
 * A copy of `value` without the fields proto3 never serializes: scalars at their default, empty
 * lists, absent messages (oneof members keep presence). protobufjs writes explicitly set zeros;
 * without this, `priority: 0` and no priority would serialize (and digest) differently.
 */
export function pruneDefaults(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    if (field.repeated) {
      if (!Array.isArray(v) || v.length === 0) continue;
      out[field.name] = sub ? v.map((x) => pruneDefaults(sub, x as Record<string, unknown>)) : v;
    } else if (sub) {
      out[field.name] = pruneDefaults(sub, v as Record<string, unknown>);
    } else if (field.partOf && !field.partOf.name.startsWith('_')) {
      out[field.name] = v;
    } else if (!isDefaultScalar(field, v)) {
      out[field.name] = v;
    }
  }
  return out;
}

/** Canonical proto3 JSON of a message given as a plain object (any accepted input form). */
export function toCanonicalJson(typeName: string, value: object): Record<string, unknown> {
  const type = messageType(typeName);
  const json = type.toObject(type.fromObject(value), CANONICAL);
  return pruneDefaults(type, json);
}

/** Protobuf binary of a message given as a plain object; default values are never written, so
 * equal messages give equal bytes. */
export function encodeMessage(typeName: string, value: object): Buffer {
  const type = messageType(typeName);
  return Buffer.from(type.encode(type.fromObject(pruneDefaults(type, value as Record<string, unknown>))).finish());
}

/** Decodes protobuf binary into the plain-object form @grpc/proto-loader produces (camelCase,
 * enums and longs as strings, defaults filled). */
export function decodeMessage<T>(typeName: string, bytes: Uint8Array): T {
  const type = messageType(typeName);
  return type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: Buffer, defaults: true, oneofs: true }) as T;
}
