// Validates Envoy configuration (YAML → JSON) against Envoy's published API protos, strictly:
// protobufjs's fromObject ignores unknown fields, so this walker refuses any field the proto does
// not declare, checks scalar and enum values, and resolves google.protobuf.Any by its @type so
// typed_config blocks (HttpConnectionManager, Wasm, Router, HttpProtocolOptions) are checked too.
// The protos come from @grpc/grpc-js-xds, which vendors envoyproxy/envoy api/ and its imports.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Proto files loaded besides the bootstrap (typed_config targets are not imported by it). */
export const ENVOY_PROTO_FILES = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/wasm/v3/wasm.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/config/cluster/v3/cluster.proto',
];

/**
 * Fields newer than the vendored protos, added to the loaded schema so a config for a current
 * Envoy validates. Each entry names the Envoy version that introduced it.
 */
export const NEWER_FIELDS: { type: string; name: string; id: number; fieldType: string; since: string }[] = [
  // PluginConfig.allow_on_headers_stop_iteration (google.protobuf.BoolValue), Envoy >= 1.35
  // (notes §4, §7.1). The field number is not used by JSON validation.
  {
    type: 'envoy.extensions.wasm.v3.PluginConfig',
    name: 'allow_on_headers_stop_iteration',
    id: 1001,
    fieldType: '.google.protobuf.BoolValue',
    since: '1.35',
  },
];

let cached: protobuf.Root | undefined;

/** Loads (once) the Envoy API protos with their imports. */
export function loadEnvoyRoot(): protobuf.Root {
  if (cached) return cached;
  const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const includes = [
    join(deps, 'envoy-api'),
    join(deps, 'xds'),
    join(deps, 'googleapis'),
    join(deps, 'protoc-gen-validate'),
    dirname(require.resolve('protobufjs/package.json')),
  ];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of includes) {
      const p = join(dir, target);
      if (existsSync(p)) return p;
    }
    return target;
  };
  root.loadSync(ENVOY_PROTO_FILES, { keepCase: true });
  for (const f of NEWER_FIELDS) {
    const type = root.lookupType(f.type);
    if (!type.fields[f.name]) type.add(new protobuf.Field(f.name, f.id, f.fieldType));
  }
  root.resolveAll();
  for (const f of NEWER_FIELDS) root.lookupType(f.type).fields[f.name]!.resolve();
  cached = root;
  return root;
}

const WRAPPERS: Record<string, string> = {
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem found, as "path: message"; empty when the document is valid. */
export function validateMessage(typeName: string, value: unknown, root = loadEnvoyRoot()): string[] {
  const errors: string[] = [];
  checkMessage(root, root.lookupType(typeName), value, typeName, errors);
  return errors;
}

function checkMessage(root: protobuf.Root, type: protobuf.Type, value: unknown, path: string, errors: string[]): void {
  const name = type.fullName;
  if (WRAPPERS[name]) return checkScalar(WRAPPERS[name]!, value, path, errors);
  if (name === '.google.protobuf.Struct' || name === '.google.protobuf.Value' || name === '.google.protobuf.ListValue') return;
  if (name === '.google.protobuf.Duration') {
    if (typeof value !== 'string' || !/^-?\d+(\.\d{1,9})?s$/.test(value)) errors.push(`${path}: must be a duration like "1s" or "0.25s"`);
    return;
  }
  if (name === '.google.protobuf.Any') return checkAny(root, value, path, errors);
  if (!isObj(value)) {
    errors.push(`${path}: must be an object (${name.slice(1)})`);
    return;
  }
  const seenOneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key] ?? Object.values(type.fields).find((f) => f.options?.json_name === key || camel(f.name) === key);
    if (!field) {
      errors.push(`${path}.${key}: unknown field of ${name.slice(1)}`);
      continue;
    }
    if (field.partOf) {
      const other = seenOneofs.get(field.partOf.name);
      if (other) errors.push(`${path}.${key}: oneof ${field.partOf.name} already set by ${other}`);
      seenOneofs.set(field.partOf.name, key);
    }
    checkField(root, field, v, `${path}.${key}`, errors);
  }
}

function checkField(root: protobuf.Root, field: protobuf.Field, value: unknown, path: string, errors: string[]): void {
  if (field instanceof protobuf.MapField) {
    if (!isObj(value)) return void errors.push(`${path}: must be a map`);
    for (const [k, v] of Object.entries(value)) checkSingle(root, field, v, `${path}.${k}`, errors);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return void errors.push(`${path}: must be a list`);
    value.forEach((v, i) => checkSingle(root, field, v, `${path}[${i}]`, errors));
    return;
  }
  checkSingle(root, field, value, path, errors);
}

function checkSingle(root: protobuf.Root, field: protobuf.Field, value: unknown, path: string, errors: string[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(root, resolved, value, path, errors);
  if (resolved instanceof protobuf.Enum) {
    const ok =
      typeof value === 'number' ? Object.values(resolved.values).includes(value) : typeof value === 'string' && value in resolved.values;
    if (!ok) errors.push(`${path}: must be one of ${Object.keys(resolved.values).join(', ')}`);
    return;
  }
  checkScalar(field.type, value, path, errors);
}

function checkScalar(type: string, value: unknown, path: string, errors: string[]): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: must be a string`);
      return;
    case 'bytes':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) errors.push(`${path}: must be base64 bytes`);
      return;
    case 'bool':
      if (typeof value !== 'boolean') errors.push(`${path}: must be true or false`);
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') errors.push(`${path}: must be a number`);
      return;
    default: {
      // integers; 64-bit ones may be strings in the JSON mapping
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (
        typeof n !== 'number' ||
        !Number.isInteger(n) ||
        (type.startsWith('u') && n < 0) ||
        (type.endsWith('32') && Math.abs(n) > 0xffffffff)
      )
        errors.push(`${path}: must be an integer (${type})`);
    }
  }
}

function checkAny(root: protobuf.Root, value: unknown, path: string, errors: string[]): void {
  if (!isObj(value) || typeof value['@type'] !== 'string') return void errors.push(`${path}: Any needs an "@type"`);
  const url = value['@type'];
  const typeName = url.slice(url.lastIndexOf('/') + 1);
  let type: protobuf.Type;
  try {
    type = root.lookupType(typeName);
  } catch {
    return void errors.push(`${path}: unknown @type ${url}`);
  }
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== '@type'));
  // Well-known types inside Any carry their JSON form under "value" (proto3 JSON mapping).
  if (WRAPPERS[type.fullName] || type.fullName === '.google.protobuf.Struct' || type.fullName === '.google.protobuf.Duration') {
    if (!('value' in rest)) return void errors.push(`${path}: ${typeName} in an Any needs "value"`);
    return checkMessage(root, type, rest.value, `${path}.value`, errors);
  }
  checkMessage(root, type, rest, path, errors);
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
