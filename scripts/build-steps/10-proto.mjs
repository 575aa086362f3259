// Checks every .proto with protobufjs (a malformed file fails here, with file and line) and
// generates the control plane's TypeScript types into proto/gen/ with proto-loader-gen-types.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateProtoTypes, PROTO_ROOT, PROTO_FILES, GEN_DIR } from '../lib/proto-gen.mjs';

export const description = 'proto contract -> proto/gen TypeScript types';

export async function run() {
  await generateProtoTypes(GEN_DIR);
  const count = existsSync(GEN_DIR) ? readdirSync(join(GEN_DIR, 'palisade', 'v1')).length : 0;
  return `(${PROTO_FILES.length} files in ${PROTO_ROOT}, ${count} types)`;
}
