import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCoalescedAcks } from './coalesced-acks.ts';

describe('coalesced rules acks', () => {
  it('writes the acks of one burst together and resolves each only after its write', async () => {
    const writes: { gatewayId: string; version: number }[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ack = createCoalescedAcks(async (acks) => {
      writes.push(acks);
      if (writes.length === 1) await gate;
    });
    const settled: string[] = [];
    const first = Array.from({ length: 50 }, (_, i) => ack(`gw-${i}`, 2).then(() => settled.push(`gw-${i}`)));
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.length, 50, 'one write for the whole burst');
    // Acks arriving while that write runs wait for the next one.
    const late = ack('gw-late', 2).then(() => settled.push('gw-late'));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled.length, 0, 'nothing resolves before its write committed');
    assert.equal(writes.length, 1, 'at most one write in flight');
    release();
    await Promise.all([...first, late]);
    assert.equal(writes.length, 2);
    assert.deepEqual(writes[1], [{ gatewayId: 'gw-late', version: 2 }]);
    assert.equal(settled.length, 51);
  });

  it('starts writes at least the minimum gap apart, so acks trickling in share one', async () => {
    const writes: number[] = [];
    const ack = createCoalescedAcks(async (acks) => {
      writes.push(acks.length);
    }, 50);
    await ack('gw-0', 1);
    // Trickling in one per event-loop turn, well within the 50 ms gap after the first write.
    const later: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      later.push(ack(`gw-${i}`, 1));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(later);
    assert.deepEqual(writes, [1, 5]);
  });

  it('rejects the acks of a failed write and keeps writing later ones', async () => {
    let fail = true;
    const written: string[] = [];
    const ack = createCoalescedAcks(async (acks) => {
      if (fail) throw new Error('store down');
      written.push(...acks.map((a) => a.gatewayId));
    });
    await assert.rejects(ack('gw-1', 1), /store down/);
    fail = false;
    await ack('gw-2', 1);
    assert.deepEqual(written, ['gw-2']);
  });
});
