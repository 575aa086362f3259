// JSON Schema (draft 2020-12 subset that ajv and OpenAPI 3.1 share) of a proto message's canonical
// JSON form, derived from the contract by reflection so the HTTP API's input validation can never
// drift from admin.proto. Strict on purpose: unknown fields are refused (a typo such as `ratelimit`
// must be an error with its path, not a silently ignored field).
import protobuf from 'protobufjs';
import { protoRoot } from './proto-json.ts';

export type JsonSchema = Record<string, unknown>;

const UINT32_MAX = 4294967295;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function scalarSchema(type: string): JsonSchema {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'bool':
      return { type: 'boolean' };
    case 'bytes':
      return { type: 'string', contentEncoding: 'base64' };
    case 'double':
    case 'float':
      return { type: 'number' };
    case 'uint32':
    case 'fixed32':
      return { type: 'integer', minimum: 0, maximum: UINT32_MAX };
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX };
    case 'uint64':
    case 'fixed64':
      // Canonical JSON writes 64-bit integers as strings; readers accept numbers too.
      return {
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: '^[0-9]{1,20}$' },
        ],
      };
    default:
      return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]{1,19}$' }] };
  }
}

/** Component name used in `$defs` / OpenAPI `components.schemas` for a proto type. */
export function schemaName(t: protobuf.ReflectionObject): string {
  return t.name;
}

/**
 * Schemas of `rootType` and every type it references, keyed by short name. References use
 * `refPrefix` + name (`#/$defs/` for ajv, `#/components/schemas/` for OpenAPI).
 */
export function protoJsonSchemas(rootTypes: string[], refPrefix: string): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const pending: protobuf.ReflectionObject[] = rootTypes.map((n) => protoRoot().lookup(`palisade.v1.${n}`)!);
  while (pending.length > 0) {
    const t = pending.pop()!;
    const name = schemaName(t);
    if (out[name]) continue;
    if (t instanceof protobuf.Enum) {
      out[name] = t.comment
        ? { type: 'string', enum: Object.keys(t.values), description: t.comment }
        : { type: 'string', enum: Object.keys(t.values) };
      continue;
    }
    const type = t as protobuf.Type;
    const properties: Record<string, JsonSchema> = {};
    for (const field of type.fieldsArray) {
      let item: JsonSchema;
      if (field.resolvedType) {
        item = { $ref: refPrefix + schemaName(field.resolvedType) };
        pending.push(field.resolvedType);
      } else {
        item = scalarSchema(field.type);
      }
      const prop: JsonSchema = field.repeated ? { type: 'array', items: item } : item;
      if (field.comment) prop.description = field.comment;
      properties[field.name] = prop;
    }
    const schema: JsonSchema = { type: 'object', additionalProperties: false, properties };
    if (type.comment) schema.description = type.comment;
    // A oneof takes at most one member in JSON as on the wire.
    const oneofs = type.oneofsArray.filter((o) => o.fieldsArray.length > 1);
    if (oneofs.length > 0) {
      schema.allOf = oneofs.map((o) => ({
        not: { anyOf: pairs(o.fieldsArray.map((f) => f.name)).map(([a, b]) => ({ required: [a, b] })) },
      }));
    }
    out[name] = schema;
  }
  return out;
}

function pairs(names: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push([names[i]!, names[j]!]);
  return out;
}

/** A self-contained schema of one message (its dependencies under `$defs`), for ajv. */
export function standaloneSchema(typeName: string): JsonSchema {
  const defs = protoJsonSchemas([typeName], '#/$defs/');
  return { $ref: `#/$defs/${typeName}`, $defs: defs };
}
