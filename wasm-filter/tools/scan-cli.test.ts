// `palisade scan` end to end: JSON Lines in, one line per message out, offsets as on the wire,
// custom detectors with --rules, bad lines reported without stopping the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runScanCli } from './scan-cli.ts';

async function run(argv: string[], input: string): Promise<{ code: number; lines: unknown[]; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const code = await runScanCli(argv, Readable.from([input]), out, err);
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    code,
    lines: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
    err: Buffer.concat(errChunks).toString('utf8'),
  };
}

const message = {
  id: 'm1',
  kind: 'request',
  method: 'POST',
  path: '/v1/pay',
  headers: { Authorization: 'Basic dXNlcjpwYXNzd29yZA==', 'Content-Type': 'application/json' },
  query: 'email=jane.doe%40example.com',
  body: '{"note":"café","card":{"number":"4111 1111 1111 1111"}}',
};

test('scan reports header, query and body findings with wire byte offsets and paths', async () => {
  const { code, lines } = await run([], JSON.stringify(message) + '\n');
  assert.equal(code, 0);
  assert.equal(lines.length, 1);
  const { id, findings } = lines[0] as {
    id: string;
    findings: { type: string; field: string; start: number; end: number; path?: string }[];
  };
  assert.equal(id, 'm1');
  const byType = new Map(findings.map((f) => [f.type, f]));
  assert.deepEqual(byType.get('http_basic_auth'), { ...byType.get('http_basic_auth'), field: 'header:authorization', start: 0, end: 26 });
  const email = byType.get('email');
  assert.equal(email?.field, 'query');
  assert.equal(email?.path, 'email');
  assert.deepEqual([email?.start, email?.end], [6, 28]);
  const card = byType.get('credit_card');
  // `é` is 2 bytes in UTF-8: offsets count bytes, not UTF-16 units.
  const start = Buffer.byteLength('{"note":"café","card":{"number":"');
  assert.deepEqual([card?.field, card?.start, card?.end, card?.path], ['body', start, start + 19, '$.card.number']);
});

test('scan applies custom detectors from --rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-'));
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ detectors: [{ id: 'employee_id', pattern: 'EMP-[0-9]{6}', maxLength: 10 }] }));
  const { code, lines } = await run(['--rules', rules], JSON.stringify({ id: 7, body: 'owner EMP-123456.' }) + '\n');
  assert.equal(code, 0);
  assert.deepEqual(lines, [{ id: 7, findings: [{ type: 'employee_id', field: 'body', start: 6, end: 16, confidence: 80 }] }]);
});

test('scan reports a bad line with its number and keeps going', async () => {
  const input = 'not json\n' + JSON.stringify({ id: 2, headers: { x: 5 } }) + '\n' + JSON.stringify({ id: 3, body: 'nothing here' }) + '\n';
  const { code, lines } = await run([], input);
  assert.equal(code, 1);
  assert.deepEqual(lines, [
    { id: null, line: 1, error: 'not a JSON object' },
    { id: 2, line: 2, error: 'header "x" must be a string' },
    { id: 3, findings: [] },
  ]);
});

test('scan refuses a custom detector the compiler rejects, with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-'));
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify([{ id: 'bad', pattern: '(a)\\1' }]));
  const { code, err } = await run(['--rules', rules], '');
  assert.equal(code, 2);
  assert.match(err, /custom detectors refused/);
});

test('scan explains unknown options', async () => {
  const { code, err } = await run(['--frobnicate'], '');
  assert.equal(code, 2);
  assert.match(err, /unknown option --frobnicate/);
});
