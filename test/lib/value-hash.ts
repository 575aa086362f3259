// Reference implementation of the enums-from-runtime value hash (docs/posture.md, "Enums from
// runtime"), written from the SipHash paper in BigInt arithmetic — slow and plain, so it can judge
// the filter's AssemblyScript and the Apigee policy's ES5 hashing through the shared vectors in
// test/vectors/value-hash/ (format in test/vectors/README.md "value-hash").
import { readVectors } from './vectors.ts';

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;

/** SipHash-2-4 of `msg` under a 16-byte key (k0, k1 = bytes 0-7 and 8-15, little-endian). */
export function siphash24(key: Uint8Array, msg: Uint8Array): bigint {
  const kb = Buffer.from(key);
  const k0 = kb.readBigUInt64LE(0);
  const k1 = kb.readBigUInt64LE(8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & M64;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M64;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & M64;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & M64;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  // Blocks of 8 bytes, then the last 0-7 bytes padded with zeros and the length's low byte on top.
  const padded = Buffer.alloc((Math.floor(msg.length / 8) + 1) * 8);
  padded.set(msg);
  padded[padded.length - 1] = msg.length & 0xff;
  for (let i = 0; i < padded.length; i += 8) {
    const m = padded.readBigUInt64LE(i);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  v2 ^= 0xffn;
  for (let r = 0; r < 4; r++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

export type ValueLocation = 'query' | 'request' | 'response';
const LOCATION_BYTE: Record<ValueLocation, number> = { query: 0x71, request: 0x69, response: 0x6f };
const TOKEN = /^[A-Za-z0-9_.:-]{1,32}$/;

/**
 * FieldShape/Parameter.value_hash as hex of its 8 bytes (the hash little-endian), or '' when a
 * gateway sends none: a value that is not token-like, or a path over 256 characters or not ASCII.
 */
export function valueHashHex(keyHex: string, location: ValueLocation, path: string, value: string): string {
  if (!TOKEN.test(value) || path.length > 256 || !/^[\x00-\x7f]*$/.test(path)) return '';
  const msg = Buffer.concat([
    Buffer.from([LOCATION_BYTE[location]]),
    Buffer.from(path, 'latin1'),
    Buffer.from([0]),
    Buffer.from(value, 'latin1'),
  ]);
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(siphash24(Buffer.from(keyHex, 'hex'), msg));
  return out.toString('hex');
}

export interface ValueHashVector {
  name: string;
  description: string;
  input: { key: string; location: ValueLocation; path: string; value: string };
  expected: { hash: string };
}

export function valueHashVectors(): ValueHashVector[] {
  return readVectors<ValueHashVector>('value-hash');
}
