// Converts the bundled ASN ranges (@ip-location-db/asn, CSV) into a MaxMind DB the control plane
// reads with `maxmind` (control-plane/geo/build/asn.mmdb, gitignored; see docs/posture.md).
import { run as exec } from '../lib/run.mjs';

export const description = 'ASN database (@ip-location-db/asn CSV -> control-plane/geo/build/asn.mmdb)';

export async function run({ root }) {
  const out = exec(process.execPath, ['--import', 'tsx', 'control-plane/geo/write-asn-mmdb.ts', root], { cwd: root });
  return `(${out.trim()})`;
}
