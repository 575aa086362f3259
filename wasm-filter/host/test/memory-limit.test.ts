// capMemory (memory-limit.ts): every 32-bit memory gets a maximum of at most 1 GiB, the limit
// Envoy's V8 runs plugins with; a smaller declared maximum is kept; the module still validates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capMemory } from '../memory-limit.ts';

const GiB = 1024 * 1024 * 1024;
const PAGES = GiB / 65536;

/** A module with one memory (limits as given) exported as "memory". */
function withMemory(limits: number[]): Uint8Array {
  const section = (id: number, b: number[]) => [id, b.length, ...b];
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  return new Uint8Array([...header, ...section(5, [1, ...limits]), ...section(7, [1, 6, ...Buffer.from('memory'), 2, 0])]);
}

function maximumPages(bytes: Uint8Array): number | undefined {
  const memory = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.memory as WebAssembly.Memory;
  // grow reports failure by throwing once the maximum is reached.
  try {
    memory.grow(PAGES + 1);
    return undefined;
  } catch {
    return PAGES;
  }
}

const cases: { name: string; limits: number[]; max: number[] }[] = [
  { name: 'no maximum → 1 GiB', limits: [0, 1], max: [1, 1, 0x80, 0x80, 0x01] },
  { name: 'maximum above 1 GiB → 1 GiB', limits: [1, 1, 0x80, 0x80, 0x02], max: [1, 1, 0x80, 0x80, 0x01] },
  { name: 'maximum below 1 GiB is kept', limits: [1, 1, 10], max: [1, 1, 10] },
];
for (const c of cases)
  test(`memory limits: ${c.name}`, () => {
    const capped = capMemory(withMemory(c.limits), GiB);
    assert.ok(WebAssembly.validate(capped));
    assert.deepEqual([...capped.subarray(10, 10 + c.max.length + 1)], [1, ...c.max]);
  });

test('a memory capped at 1 GiB cannot grow past it', () => {
  assert.equal(maximumPages(withMemory([0, 1])), undefined, 'uncapped, V8 lets it grow past 1 GiB');
  assert.equal(maximumPages(capMemory(withMemory([0, 1]), GiB)), PAGES);
});
