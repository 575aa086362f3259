// Event rows packed for the hand-off to the SQLite ingest thread. Structured clone copies every
// value of a flat array one by one (19 per row, strings with their characters); packed, the numeric
// columns are one Float64Array and the string columns indexes (one Uint32Array) into a table of
// strings, both transferred without a copy. Columns whose values repeat across a group (gateway,
// host, method, endpoint, client, auth scheme, action, upstream) hold each distinct string once in
// the table; the event id, path and detail are stored as they come. The clone is then the table.
import type { EventRecord } from './types.ts';

/** Numeric columns per row (ts_ms, received_ms, status, latency_us, request_bytes, response_bytes, finding_count, rules_version). */
const NUMBERS = 8;
/** String columns per row (the other 11 of EVENT_COLS). */
const STRINGS = 11;

export interface PackedEvents {
  count: number;
  numbers: Float64Array;
  refs: Uint32Array;
  strings: unknown[];
}

/**
 * The rows of `events` packed, or null when a numeric column holds something else than a number
 * (the rows then cross as they are, so the store sees the value it would have seen).
 */
export function packEvents(events: readonly EventRecord[]): PackedEvents | null {
  const numbers = new Float64Array(events.length * NUMBERS);
  const refs = new Uint32Array(events.length * STRINGS);
  const strings: unknown[] = [];
  const seen = new Map<unknown, number>();
  const shared = (v: unknown): number => {
    let at = seen.get(v);
    if (at === undefined) {
      at = strings.push(v) - 1;
      seen.set(v, at);
    }
    return at;
  };
  let n = 0;
  let s = 0;
  for (const e of events) {
    const rulesVersion = Number(e.rulesVersion) || 0;
    if (
      typeof e.timestampMs !== 'number' ||
      typeof e.receivedMs !== 'number' ||
      typeof e.status !== 'number' ||
      typeof e.latencyUs !== 'number' ||
      typeof e.requestBytes !== 'number' ||
      typeof e.responseBytes !== 'number' ||
      typeof e.findingCount !== 'number'
    )
      return null;
    numbers[n++] = e.timestampMs;
    numbers[n++] = e.receivedMs;
    numbers[n++] = e.status;
    numbers[n++] = e.latencyUs;
    numbers[n++] = e.requestBytes;
    numbers[n++] = e.responseBytes;
    numbers[n++] = e.findingCount;
    numbers[n++] = rulesVersion;
    refs[s++] = shared(e.gatewayId);
    refs[s++] = strings.push(e.eventId) - 1;
    refs[s++] = shared(e.host);
    refs[s++] = shared(e.method);
    refs[s++] = strings.push(e.path) - 1;
    refs[s++] = shared(e.endpointId);
    refs[s++] = shared(e.clientIp);
    refs[s++] = shared(e.authScheme);
    refs[s++] = shared(e.action);
    refs[s++] = strings.push(e.detail) - 1;
    refs[s++] = shared(e.upstreamIp);
  }
  return { count: events.length, numbers, refs, strings };
}

/** Row `i` of `p` into `row`, in EVENT_COLS order (the values pushEventValues gives). */
export function unpackRow(p: PackedEvents, i: number, row: unknown[]): void {
  const n = i * NUMBERS;
  const s = i * STRINGS;
  const { numbers, refs, strings } = p;
  row[0] = strings[refs[s]!];
  row[1] = strings[refs[s + 1]!];
  row[2] = numbers[n];
  row[3] = numbers[n + 1];
  row[4] = strings[refs[s + 2]!];
  row[5] = strings[refs[s + 3]!];
  row[6] = strings[refs[s + 4]!];
  row[7] = strings[refs[s + 5]!];
  row[8] = numbers[n + 2];
  row[9] = numbers[n + 3];
  row[10] = numbers[n + 4];
  row[11] = numbers[n + 5];
  row[12] = strings[refs[s + 6]!];
  row[13] = strings[refs[s + 7]!];
  row[14] = numbers[n + 6];
  row[15] = strings[refs[s + 8]!];
  row[16] = numbers[n + 7];
  row[17] = strings[refs[s + 9]!];
  row[18] = strings[refs[s + 10]!];
}

/** The buffers to transfer with a message holding `p`. */
export const packedTransfer = (p: PackedEvents): ArrayBuffer[] => [p.numbers.buffer as ArrayBuffer, p.refs.buffer as ArrayBuffer];
