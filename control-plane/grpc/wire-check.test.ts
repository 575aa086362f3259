import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { messageType, wireProblem } from './wire-check.ts';
import { batchReader } from './batch-reader.ts';

const ReportBatch = messageType('ReportBatch');

describe('wireProblem(ReportBatch)', () => {
  const good = ReportBatch.encode(
    ReportBatch.fromObject({
      gatewayId: 'gw',
      sequence: 7,
      events: [{ id: 1, path: '/a', status: 200, findings: [{ type: 'x', valueHash: Buffer.from([1, 2]) }] }],
    }),
  ).finish();

  it('accepts a batch protobufjs encoded', () => assert.equal(wireProblem(good, ReportBatch), null));
  it('accepts an empty batch (a heartbeat)', () => assert.equal(wireProblem(new Uint8Array(0), ReportBatch), null));
  it('accepts unknown fields that are well formed', () => assert.equal(wireProblem(Buffer.from([0xa8, 0x1f, 0x01]), ReportBatch), null));

  const bad: [string, number[], RegExp][] = [
    ['length past the end [0a ff ff ff ff 0f]', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /runs past the end/],
    ['invalid wire type 7 on gatewayId [0f 01]', [0x0f, 0x01], /gatewayId has wire type 7/],
    ['string field sent as varint [08 01] is fine but [0a 05 41] is truncated', [0x0a, 0x05, 0x41], /runs past the end/],
    ['truncated varint [10 ff]', [0x10, 0xff], /truncated varint/],
    ['field number 0 [00 01]', [0x00, 0x01], /field number 0/],
    ['group wire type 3 [1b]', [0x1b], /wire type 3/],
    [
      'nested event with a length-delimited timestamp [1a 02 12 00]',
      [0x1a, 0x02, 0x12, 0x00],
      /ApiEvent\.timestamp_?[mM]s has wire type 2, expected 0/,
    ],
  ];
  for (const [name, bytes, want] of bad) {
    it(`refuses ${name}`, () => assert.match(wireProblem(Buffer.from(bytes), ReportBatch) ?? 'accepted', want));
  }
});

describe('batchReader', () => {
  const ApiEvent = messageType('ApiEvent');
  const decode = (fields: Record<string, unknown>) =>
    ApiEvent.decode(batchReader(ApiEvent.encode(ApiEvent.fromObject(fields)).finish())) as unknown as Record<string, unknown>;

  it('decodes small uint64 fields as numbers, other fields as before', () => {
    const e = decode({ id: 42, timestampMs: 1767225600123, latencyUs: 0, path: '/a', status: 200 });
    assert.equal(e.id, 42);
    assert.equal(e.timestampMs, 1767225600123);
    assert.equal(e.path, '/a');
    assert.equal(e.status, 200);
  });

  it('keeps values past 49 bits exact (a Long), up to 2^64 − 1', () => {
    for (const v of ['562949953421312', '9007199254740993', '18446744073709551615']) {
      const e = decode({ id: v });
      assert.equal(String(e.id), v);
    }
  });

  it('decodes strings exactly through its cache: repeated, distinct (colliding slots), non-ASCII, long, empty', () => {
    const values = [
      ...Array.from({ length: 20_000 }, (_, i) => `/v1/users/${i}`),
      'api.example.com',
      'api.example.com',
      'ünïcödé/π',
      'x'.repeat(300),
      '',
      'a\u0000b',
    ];
    for (const round of [1, 2])
      for (const v of values) assert.equal(decode({ path: v, host: v }).path, v, `round ${round}: ${JSON.stringify(v.slice(0, 40))}`);
  });

  it('decodes non-ASCII and invalid UTF-8 exactly as the stock Buffer reader (replacement characters)', () => {
    for (const path of ['ünï', '😀', 'lone \udc00 lo', 'lone \ud800']) {
      const bytes = ApiEvent.encode(ApiEvent.fromObject({ path })).finish();
      const stock = (ApiEvent.decode(bytes) as unknown as { path: string }).path;
      assert.equal(decode({ path }).path, stock, JSON.stringify(path));
    }
    assert.equal(decode({ path: 'lone \udc00 lo' }).path, 'lone \ufffd\ufffd\ufffd lo');
  });

  it('still refuses a truncated varint', () => {
    assert.throws(() => ApiEvent.decode(batchReader(Buffer.from([0x08, 0xff, 0xff]))));
  });
});
