// A running control plane whose ASN database is missing (posture.asnDatabase names no file, as when
// the build step did not run): one warning in the log naming the file and the consequence, and
// geography still answered — country and city, without ASN and organisation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-asn-missing-'));
const missing = join(dir, 'no-such-asn.mmdb');
const lines: Record<string, unknown>[] = [];
let cp: ControlPlane;
let token = '';

before(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  cp = await startControlPlane(
    { dataDir: dir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, posture: { asnDatabase: missing } },
    { detectionEngine: EMPTY_DETECTION_ENGINE, logger },
  );
  token = await cp.createToken('viewer', 'viewer');
});
after(async () => {
  await cp?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a missing ASN database is one clear warning; lookups go on without ASN', async () => {
  const get = async () => {
    const res = await fetch(`${cp.httpUrl}/v1/geo?ip=8.8.8.8&ip=2001:4860:4860::8888`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { items: Record<string, unknown>[] }).items;
  };
  const [v4, v6] = await get();
  assert.deepEqual([v4?.country, v4?.asn, v4?.org], ['US', undefined, undefined]);
  assert.deepEqual([v6?.country, v6?.asn], ['US', undefined]);
  await get();
  const warnings = lines.filter((l) => String(l.msg).includes('ASN database'));
  assert.equal(warnings.length, 1, JSON.stringify(lines));
  assert.equal(warnings[0]!.msg, 'ASN database unavailable: ASN and organisation lookups are off');
  assert.match(String(warnings[0]!.reason), /no-such-asn\.mmdb: ENOENT/);
});
