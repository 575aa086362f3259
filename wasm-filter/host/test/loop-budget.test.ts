// The loop meter (loop-budget.ts) on a hand-written module and on the real palisade.wasm: the
// rewritten module validates, loops run normally within the budget and trap once it is spent,
// the module's own globals keep their indices, and an opcode the meter cannot decode is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { LOOP_BUDGET_EXPORT, LOOP_STOP_EXPORT, meterLoops, stopLoops, UnmeterableError } from '../loop-budget.ts';
import { fixture } from './helpers.ts';

/** (global $counter (mut i32)) (func (export "f") (param $n i32) (loop counter++; br_if (--n))) */
function countingModule(
  body: number[] = [0x03, 0x40, 0x23, 0, 0x41, 1, 0x6a, 0x24, 0, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x0b],
) {
  const section = (id: number, b: number[]) => [id, b.length, ...b];
  const code = [0, ...body];
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  return new Uint8Array([
    ...header,
    ...section(1, [1, 0x60, 1, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(6, [1, 0x7f, 1, 0x41, 0, 0x0b]),
    ...section(7, [2, 1, 0x66, 0, 0, 7, ...Buffer.from('counter'), 3, 0]),
    ...section(10, [1, code.length, ...code]),
  ]);
}

function instantiate(bytes: Uint8Array) {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return {
    f: exports.f as (n: number) => void,
    counter: exports.counter as WebAssembly.Global,
    budget: exports[LOOP_BUDGET_EXPORT] as WebAssembly.Global,
  };
}

test('a loop runs within the budget and traps when it is spent; module globals keep their index', () => {
  const metered = meterLoops(countingModule(), 10);
  assert.equal(metered.loops, 1);
  assert.ok(WebAssembly.validate(metered.bytes));
  const m = instantiate(metered.bytes);
  m.f(5);
  assert.equal(m.counter.value, 5, 'the loop did its work');
  assert.equal(m.budget.value, 5, 'one unit per iteration');
  m.budget.value = 10;
  assert.throws(() => m.f(50), WebAssembly.RuntimeError);
  assert.equal(m.budget.value, 0);
  assert.equal(m.counter.value, 5 + 9, 'stopped at the 10th loop header');
});

test('the stop check: loops run untouched while the flag is 0 and trap once it is set; a start section is refused', () => {
  const checked = stopLoops(countingModule());
  assert.equal(checked.loops, 1);
  assert.ok(WebAssembly.validate(checked.bytes));
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(checked.bytes));
  const f = exports.f as (n: number) => void;
  const stop = exports[LOOP_STOP_EXPORT] as WebAssembly.Global;
  f(1000);
  assert.equal((exports.counter as WebAssembly.Global).value, 1000);
  stop.value = 1;
  assert.throws(() => f(5), WebAssembly.RuntimeError);
  assert.equal((exports.counter as WebAssembly.Global).value, 1000, 'trapped at the first loop header');
  const withStart = countingModule();
  const code = withStart.length - 25; // the code section, last: id, size, count, body size, 21 bytes of body
  const start = new Uint8Array([...withStart.subarray(0, code), 8, 1, 0, ...withStart.subarray(code)]);
  assert.throws(() => stopLoops(start), /start section/);
});

test('an opcode the meter does not know is reported, not mis-rewritten', () => {
  assert.throws(() => meterLoops(countingModule([0x03, 0x40, 0x0b, 0xff, 0x0b])), UnmeterableError);
});

test('the conformance fixture and palisade.wasm validate after metering', () => {
  const files = [fixture('conformance'), 'wasm-filter/build/palisade.wasm'].filter((f) => existsSync(f));
  assert.ok(files.length >= 1);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const metered = meterLoops(bytes);
    assert.ok(metered.loops > 0, file);
    assert.ok(WebAssembly.validate(metered.bytes), file);
    assert.ok(
      WebAssembly.Module.exports(new WebAssembly.Module(metered.bytes)).some((e) => e.name === LOOP_BUDGET_EXPORT && e.kind === 'global'),
    );
  }
});
