// The README's demo command in its scripted form, as a user runs it: `npm run demo -- --check`
// starts the whole system, sends the traffic mix, verifies the outcome through the API and exits
// 0 only when every check passed. Run once on SQLite and once on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { TEST_PG_URL } from '../../control-plane/store/testing.ts';
import { needService } from '../lib/tools.ts';

function runDemo(extra: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // --no-build: `npm test` has just built everything; the demo's own staleness check is its business.
    const child = spawn(
      process.execPath,
      ['scripts/demo.mjs', '--check', '--duration', '6', '--port', '0', '--gateway-port', '0', '--no-build', ...extra],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

test('npm run demo -- --check passes on SQLite', async () => {
  const { code, output } = await runDemo([]);
  assert.equal(code, 0, output);
  assert.match(output, /demo check: PASS \(4 checks\)/);
  assert.match(output, /Admin token: {2}pal_/);
  assert.match(output, /demo: stopped\./, 'everything shuts down cleanly');
});

test('npm run demo -- --check --postgres URL passes on PostgreSQL and drops its schema', async (t) => {
  const skip = await needService('PostgreSQL', '127.0.0.1', 5432);
  if (skip) return t.skip(skip);
  const { code, output } = await runDemo(['--postgres', TEST_PG_URL]);
  assert.equal(code, 0, output);
  assert.match(output, /control plane on PostgreSQL \(schema palisade_demo_[0-9a-f]{8}\)/);
  const schema = /schema (palisade_demo_[0-9a-f]{8})/.exec(output)![1]!;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    assert.equal(rowCount, 0, 'the demo schema is dropped on exit');
  } finally {
    await client.end();
  }
});
