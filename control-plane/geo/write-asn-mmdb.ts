// `node --import tsx control-plane/geo/write-asn-mmdb.ts [root]`: converts @ip-location-db/asn's
// numeric CSV ranges into control-plane/geo/build/asn.mmdb (gitignored), the database GeoLookup reads
// ASN and organisation from. Rewritten only when the package version or the converter's sources
// change (a stamp file beside it), so repeated builds cost nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsnMmdb, bundledAsnDbPath } from './asn-database.ts';

const here = dirname(fileURLToPath(import.meta.url));
const csvDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
const { version } = JSON.parse(readFileSync(join(csvDir, 'package.json'), 'utf8')) as { version: string };
const out = bundledAsnDbPath();
const stampFile = `${out}.stamp`;

const hash = createHash('sha256').update(version);
for (const dir of [here, join(here, 'mmdb')]) {
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
    .sort()) {
    hash.update(f).update(readFileSync(join(dir, f)));
  }
}
const stamp = hash.digest('hex').slice(0, 16);

if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  // Touched so that "output newer than its sources" (scripts/demo.mjs) holds after a tests-only edit.
  const now = new Date();
  utimesSync(out, now, now);
  console.log(`up to date (${stamp})`);
} else {
  const started = Date.now();
  const file = buildAsnMmdb(
    readFileSync(join(csvDir, 'asn-ipv4-num.csv'), 'utf8'),
    readFileSync(join(csvDir, 'asn-ipv6-num.csv'), 'utf8'),
    buildEpochOf(version),
  );
  mkdirSync(dirname(out), { recursive: true });
  // Written beside and renamed: a control plane opening the file never sees half of it.
  writeFileSync(`${out}.tmp`, file.bytes);
  renameSync(`${out}.tmp`, out);
  writeFileSync(stampFile, stamp);
  const mib = (file.bytes.length / 1048576).toFixed(1);
  console.log(
    `${file.ranges} ranges -> ${file.networks} networks, ${file.nodeCount} nodes x ${file.recordSize} bits, ${(file.dataSize / 1024).toFixed(0)} KiB data, ${mib} MiB in ${Date.now() - started} ms`,
  );
}

/** The package's build time from its version (major.minor.YYYYMMDDHH), so equal inputs give equal bytes. */
function buildEpochOf(v: string): number {
  const m = /\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(v);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) / 1000 : 0;
}
