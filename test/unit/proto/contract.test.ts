// The proto contract: every file loads with @grpc/proto-loader and protobufjs, every message
// round-trips a fully populated sample, conventions hold (UNSPECIFIED = 0 enums, reserved
// extension range, documentation), and the generated TypeScript types match the protos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_FILES, PROTO_LOADER_OPTIONS, PROTO_ROOT, loadPalisadeGrpc } from '../../../proto/load.ts';
// @ts-expect-error: build helper written in plain ESM JavaScript
import { checkProtos, generateProtoTypes, GEN_DIR } from '../../../scripts/lib/proto-gen.mjs';

function loadRoot(alternateCommentMode = false): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(PROTO_FILES, { keepCase: false, alternateCommentMode });
  root.resolveAll();
  return root;
}

function allOf<T>(ns: protobuf.NamespaceBase, kind: new (...a: never[]) => T): T[] {
  const out: T[] = [];
  for (const nested of ns.nestedArray) {
    if (nested instanceof kind) out.push(nested as T);
    if (nested instanceof protobuf.Namespace) out.push(...allOf(nested, kind));
  }
  return out;
}

const palisade = () => loadRoot().lookup('palisade.v1') as protobuf.Namespace;

/** A value for every field, different from the default, so a lost field shows up. */
function sample(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const oneofFilled = new Set<string>();
  for (const field of type.fieldsArray) {
    if (field.partOf) {
      if (oneofFilled.has(field.partOf.name)) continue;
      oneofFilled.add(field.partOf.name);
    }
    const one = () => scalar(field, depth);
    const value = field.repeated ? [one(), one()] : one();
    if (value !== undefined) obj[field.name] = value;
  }
  return obj;
}

function scalar(field: protobuf.Field, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return Math.max(...Object.values(resolved.values));
  if (resolved instanceof protobuf.Type) return depth > 3 ? undefined : sample(resolved, depth + 1);
  switch (field.type) {
    case 'string':
      return `v-${field.name}-é`;
    case 'bytes':
      return new Uint8Array([0, 1, 254, 255]);
    case 'bool':
      return true;
    case 'double':
    case 'float':
      return 1.5;
    case 'uint64':
    case 'fixed64':
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return 9007199254740993n.toString();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return -7;
    default:
      return 4000000001;
  }
}

test('every .proto parses and resolves with protobufjs', () => {
  assert.doesNotThrow(() => checkProtos());
  const root = loadRoot();
  const messages = allOf(root.lookup('palisade.v1') as protobuf.Namespace, protobuf.Type);
  assert.ok(messages.length >= 35, `expected the whole contract, found ${messages.length} messages`);
});

test('every .proto loads with @grpc/proto-loader and exposes GatewayService', () => {
  const definition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
  assert.ok(definition['palisade.v1.GatewayService'], 'GatewayService missing');
  assert.ok(definition['palisade.v1.RuleSet'], 'RuleSet missing');
  const grpcRoot = loadPalisadeGrpc();
  const service = grpcRoot.palisade.v1.GatewayService.service;
  assert.equal(service.Report.requestStream, true);
  assert.equal(service.Report.responseStream, true);
  assert.equal(service.WatchRules.responseStream, true);
});

for (const type of allOf(palisade(), protobuf.Type)) {
  test(`round-trips a populated ${type.name}`, () => {
    const input = sample(type);
    const err = type.verify(type.fromObject(input));
    assert.equal(err, null, `sample does not verify: ${err}`);
    const bytes = type.encode(type.fromObject(input)).finish();
    assert.ok(bytes.length > 0 || type.fieldsArray.length === 0);
    const decoded = type.toObject(type.decode(bytes), { longs: String, bytes: Array, enums: Number, defaults: false });
    const expected = type.toObject(type.fromObject(input), { longs: String, bytes: Array, enums: Number, defaults: false });
    assert.deepEqual(decoded, expected);
    // And through the canonical JSON mapping the HTTP API and the Apigee policy use.
    const json = JSON.parse(JSON.stringify(type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String, json: true })));
    assert.deepEqual(type.toObject(type.fromObject(json), { longs: String, bytes: Array, enums: Number }), expected);
  });
}

test('every enum starts with <NAME>_UNSPECIFIED = 0', () => {
  for (const e of allOf(palisade(), protobuf.Enum)) {
    const upper = e.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    assert.equal(e.values[`${upper}_UNSPECIFIED`], 0, `${e.name} lacks ${upper}_UNSPECIFIED = 0`);
  }
});

test('every message reserves 1000 to max for extensions', () => {
  for (const type of allOf(palisade(), protobuf.Type)) {
    const ranges = (type.reserved ?? []).filter((r): r is number[] => Array.isArray(r));
    assert.ok(
      ranges.some(([from, to]) => from === 1000 && to === 0x1fffffff),
      `${type.name} lacks reserved 1000 to max`,
    );
  }
});

test('every message, enum, service and field is documented', () => {
  const undocumented: string[] = [];
  const root = loadRoot(true).lookup('palisade.v1') as protobuf.Namespace;
  for (const type of allOf(root, protobuf.Type)) {
    if (!type.comment) undocumented.push(type.name);
    for (const field of type.fieldsArray) {
      // A field whose name and type say it all may share its message's comment; nested message and
      // enum fields are documented on their type.
      if (!field.comment && !field.resolvedType && !type.comment?.includes(field.name)) undocumented.push(`${type.name}.${field.name}`);
    }
  }
  for (const e of allOf(root, protobuf.Enum)) if (!e.comment) undocumented.push(e.name);
  for (const s of allOf(root, protobuf.Service)) if (!s.comment) undocumented.push(s.name);
  assert.deepEqual(undocumented, []);
});

test('generated TypeScript types match the protos (no drift)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'palisade-gen-'));
  await generateProtoTypes(out);
  const list = (dir: string, prefix = ''): string[] =>
    readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? list(dir, join(prefix, d.name)) : [join(prefix, d.name)],
    );
  const fresh = list(out).sort();
  let built: string[];
  try {
    built = list(GEN_DIR).sort();
  } catch {
    assert.fail(`${GEN_DIR} is missing: run \`npm run build\``);
  }
  assert.deepEqual(built, fresh, 'generated file list differs: run `npm run build`');
  for (const file of fresh) {
    assert.equal(
      readFileSync(join(GEN_DIR, file), 'utf8'),
      readFileSync(join(out, file), 'utf8'),
      `${file} is stale: run \`npm run build\``,
    );
  }
});

test('a malformed .proto fails the build check with its file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bad-proto-'));
  mkdirSync(join(dir, 'palisade', 'v1'), { recursive: true });
  writeFileSync(join(dir, 'palisade', 'v1', 'broken.proto'), 'syntax = "proto3";\npackage x;\nmessage A {\n  string a = ;\n}\n');
  assert.throws(() => checkProtos(dir, ['palisade/v1/broken.proto']), /broken\.proto.*line 4/);
});
