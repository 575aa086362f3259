// Checks a JSON value against a palisade.v1 message in the canonical proto3 JSON mapping: every
// key must be a field of the message (camelCase), enums must be known names, 64-bit integers
// strings of digits, nested messages recursively. Returns the problems (empty when valid).
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from '../../../proto/load.ts';

let root: protobuf.Root | null = null;

function load(): protobuf.Root {
  if (root === null) {
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
    r.loadSync(PROTO_FILES, { keepCase: false });
    r.resolveAll();
    root = r;
  }
  return root;
}

export function protoJsonProblems(typeName: string, value: unknown, at = '$'): string[] {
  const type = load().lookupType(typeName);
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[key];
    if (!field) {
      problems.push(`${at}.${key}: not a field of ${typeName}`);
      continue;
    }
    const values = field.repeated ? (Array.isArray(v) ? v : [Symbol('not-a-list')]) : [v];
    for (const [i, item] of values.entries()) {
      const where = field.repeated ? `${at}.${key}[${i}]` : `${at}.${key}`;
      if (typeof item === 'symbol') problems.push(`${where}: not a list`);
      else if (field.resolvedType instanceof protobuf.Type)
        problems.push(...protoJsonProblems(field.resolvedType.fullName.slice(1), item, where));
      else if (field.resolvedType instanceof protobuf.Enum) {
        if (typeof item !== 'string' || !(item in field.resolvedType.values))
          problems.push(`${where}: ${JSON.stringify(item)} is not a ${field.type}`);
      } else if (['uint64', 'int64', 'fixed64', 'sint64', 'sfixed64'].includes(field.type)) {
        if (typeof item !== 'string' || !/^-?\d+$/.test(item)) problems.push(`${where}: 64-bit integers are strings of digits`);
      } else if (['uint32', 'int32'].includes(field.type)) {
        if (typeof item !== 'number' || !Number.isInteger(item)) problems.push(`${where}: not an integer`);
      } else if (field.type === 'string' && typeof item !== 'string') problems.push(`${where}: not a string`);
      else if (field.type === 'bool' && typeof item !== 'boolean') problems.push(`${where}: not a boolean`);
    }
  }
  return problems;
}
