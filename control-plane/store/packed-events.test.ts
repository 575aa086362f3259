// Packed event rows (the SQLite ingest thread's hand-off) unpack to exactly the column values the
// rows give unpacked, in EVENT_COLS order; rows a Float64Array cannot carry are not packed.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { EVENT_COLS } from './columns.ts';
import { packEvents, unpackRow } from './packed-events.ts';
import { eventValues } from './sqlite-ingest.ts';
import { event } from './test-units.ts';
import type { EventRecord } from './types.ts';

const rows: EventRecord[] = [
  event('ep_a', 1),
  { ...event('ep_b', 2), detail: '{"requestId":"r\\"q"}', path: '/a"b\\c', action: 'ACTION_BLOCK', rulesVersion: '18446744073709551615' },
  { ...event('ep_a', 3), latencyUs: 0, status: 599, findingCount: 3, timestampMs: 1767225600123.5, upstreamIp: '', host: 'ünï.example' },
  { ...event('ep_c', 4), rulesVersion: 'x', clientIp: '2001:db8::1' },
];

it('unpacks every row to the values eventValues gives, in EVENT_COLS order', () => {
  const packed = packEvents(rows)!;
  assert.equal(packed.count, rows.length);
  const row: unknown[] = new Array(EVENT_COLS.length);
  rows.forEach((e, i) => {
    unpackRow(packed, i, row);
    assert.deepEqual(row, eventValues(e), `row ${i}`);
  });
  // Repeated strings are held once: 4 rows x 3 own strings + the distinct shared ones.
  assert.ok(packed.strings.length < rows.length * 11);
});

it('does not pack a row whose numeric column holds something else (the store must see it as is)', () => {
  assert.equal(packEvents([...rows, { ...event('ep_a', 5), status: null as unknown as number }]), null);
});
