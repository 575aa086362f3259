import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { copyFrom, copyString, copyText } from './postgres-copy.ts';
import { storeTargets } from './testing.ts';

describe('COPY text format', () => {
  it('escapes backslash, newline, carriage return and tab, and nothing else', () => {
    assert.equal(copyString('plain "quoted" {a,b} é'), 'plain "quoted" {a,b} é');
    assert.equal(copyString('a\\b\nc\rd\te'), 'a\\\\b\\nc\\rd\\te');
    assert.equal(copyString('{"k":"line\\nbreak"}'), '{"k":"line\\\\nbreak"}');
  });

  it('writes rows of columns: tab between values, a newline after each row, null as \\N, numbers as String()', () => {
    const columns = [
      ['a', 'b\tc'],
      [1, 1.5],
      [null, ''],
    ];
    const text = copyText(2, 3, (c, out) => columns[c]!.forEach((v, r) => (out[r] = v)));
    assert.equal(text, 'a\t1\t\\N\nb\\tc\t1.5\t\n');
    assert.equal(
      copyText(0, 3, () => undefined),
      '',
    );
  });
});

const pgTarget = (await storeTargets()).find((t) => t.dialect === 'postgres')!;
after(() => pgTarget.cleanup());

describe('copyFrom (postgres)', { skip: pgTarget.skip }, () => {
  it('loads every value back as it was written, special characters included, and reports the row count', async () => {
    const store = await pgTarget.open();
    const conn = await store.pg!.connect();
    try {
      await conn.query('CREATE TEMP TABLE copied (s text, n int8)');
      const values = ['tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', '', 'ünï 😀', '{"a":"b\\"c"}'];
      const text = copyText(values.length, 2, (c, out) => values.forEach((v, r) => (out[r] = c === 0 ? v : r)));
      assert.equal(await copyFrom(conn, 'COPY copied (s, n) FROM STDIN', text), values.length);
      const { rows } = await conn.query<{ s: string }>('SELECT s FROM copied ORDER BY n');
      assert.deepEqual(
        rows.map((r) => r.s),
        values,
      );
    } finally {
      conn.release();
      await store.close();
    }
  });

  it('rejects with the server error when a row does not load, and the connection stays usable', async () => {
    const store = await pgTarget.open();
    const conn = await store.pg!.connect();
    try {
      await conn.query('CREATE TEMP TABLE copied (n int8)');
      await assert.rejects(copyFrom(conn, 'COPY copied (n) FROM STDIN', '1\nnot a number\n'), /invalid input syntax for type bigint/);
      await assert.rejects(copyFrom(conn, 'COPY missing_table (n) FROM STDIN', '1\n'), /missing_table/);
      assert.equal((await conn.query('SELECT count(*)::int AS n FROM copied')).rows[0].n, 0);
    } finally {
      conn.release();
      await store.close();
    }
  });
});
