// The ingest bench's raw-INSERT baseline on PostgreSQL (issue #4: "a baseline of raw INSERTs of the
// same rows"): one INSERT … SELECT FROM unnest over column arrays per batch, the statement shape
// ingest itself used before it loaded event rows by COPY (385f2c3), with the same array literals.
// The column types are read from the table, so the statement follows the schema.
import type pg from 'pg';
import { EVENT_COLS } from '../../../control-plane/store/columns.ts';
import { columns, unnest } from '../../../control-plane/store/postgres-arrays.ts';

/** A function inserting a batch of EVENT_COLS rows with one statement, for the events table as it is. */
export async function eventRowsInserter(client: pg.ClientBase): Promise<(rows: readonly (readonly unknown[])[]) => Promise<unknown>> {
  const { rows } = await client.query<{ column_name: string; udt_name: string }>(
    `SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'events'`,
  );
  const typeOf = new Map(rows.map((r) => [r.column_name, r.udt_name]));
  const types = EVENT_COLS.map((c) => {
    const t = typeOf.get(c);
    if (!t) throw new Error(`events has no column ${c}`);
    return t;
  });
  const text = `INSERT INTO events (${EVENT_COLS.join(', ')}) SELECT * FROM ${unnest(types)}`;
  return (batch) => client.query(text, columns(batch, EVENT_COLS.length));
}
