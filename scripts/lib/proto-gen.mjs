// Proto type generation shared by the build step and the drift test.
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { run, bin } from './run.mjs';

export const PROTO_ROOT = 'proto';
export const PROTO_DIR = join(PROTO_ROOT, 'palisade', 'v1');
export const GEN_DIR = join(PROTO_ROOT, 'gen');
export const PROTO_FILES = readdirSync(PROTO_DIR)
  .filter((f) => f.endsWith('.proto'))
  .sort()
  .map((f) => join('palisade', 'v1', f));

/** Parses every file with protobufjs; throws an Error naming file and line on the first problem. */
export function checkProtos(protoRoot = PROTO_ROOT, files = PROTO_FILES) {
  for (const file of files) {
    const path = join(protoRoot, file);
    try {
      protobuf.parse(readFileSync(path, 'utf8'), { keepCase: true });
    } catch (err) {
      throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  try {
    root.loadSync(files, { keepCase: true });
    root.resolveAll();
  } catch (err) {
    throw new Error(`proto contract does not resolve: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Generates TypeScript types for @grpc/proto-loader users into outDir (replacing it). */
export async function generateProtoTypes(outDir) {
  checkProtos();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  run(bin('proto-loader-gen-types'), [
    '--longs=String',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--keepCase=false',
    '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.ts',
    '--includeDirs',
    PROTO_ROOT,
    '--outDir',
    outDir,
    ...PROTO_FILES,
  ]);
}
