// The golden codec vectors (test/vectors/codec/, format in test/vectors/README.md "codec"): each
// case's `wire` is what protobufjs makes of its `json` from the proto files, then `transform`
// (cut or appended bytes) for the malformed cases. `node --import tsx test/filter/lib/codec-vectors.ts
// --write` rewrites every `wire` after a deliberate proto change; the test fails on any drift.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMessage } from './proto.ts';

export const CODEC_VECTORS = 'test/vectors/codec';

export interface CodecVector {
  description: string;
  message: 'ApiEvent' | 'ReportBatch' | 'WatchRulesRequest' | 'RuleSet';
  json: Record<string, unknown>;
  transform?: { truncate?: number; appendHex?: string };
  /** Hex of the bytes on the wire. */
  wire: string;
  /** RuleSet cases: what loading the bytes gives ({version, policies, error}; error "" = accepted). */
  expected?: Record<string, unknown>;
}

export function readCodecVectors(): [string, CodecVector][] {
  return readdirSync(CODEC_VECTORS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(CODEC_VECTORS, f), 'utf8')) as CodecVector]);
}

/** protobufjs bytes of the case, with its transform applied. */
export function wireOf(v: CodecVector): Buffer {
  let bytes = Buffer.from(encodeMessage(v.message, v.json));
  if (v.transform?.truncate) bytes = bytes.subarray(0, bytes.length - v.transform.truncate);
  if (v.transform?.appendHex) bytes = Buffer.concat([bytes, Buffer.from(v.transform.appendHex, 'hex')]);
  return bytes;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  for (const [name, v] of readCodecVectors()) {
    const { wire: _old, expected, ...rest } = v;
    const out = { ...rest, wire: wireOf(v).toString('hex'), ...(expected ? { expected } : {}) };
    writeFileSync(join(CODEC_VECTORS, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
  }
}
