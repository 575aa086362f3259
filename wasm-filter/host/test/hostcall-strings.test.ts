// Strings through hostcalls: the paths and keys a filter repeats are recognised by their bytes
// (property-paths.ts, recent-strings.ts) and short ASCII values are copied char by char
// (copyOutText). These tests prove the guest sees exactly what a decode and a UTF-8 encode give:
// a repeated pointer with new bytes is a new string, and non-ASCII or long values are encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildImports } from '../hostcalls.ts';
import { GuestMemory } from '../guest-memory.ts';
import { SharedState } from '../shared-state.ts';
import { WasmResult } from '../abi-enums.ts';
import type { PropertyValue } from '../context-types.ts';
import type { Vm } from '../vm.ts';

type Call = (...args: (number | bigint)[]) => number;

/** buildImports over one page of memory, a bump allocator and a context with the given properties. */
function host(properties: Record<string, PropertyValue>) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mem = new GuestMemory(memory);
  let top = 32 * 1024;
  const vm = {
    mem,
    restriction: undefined,
    shared: new SharedState(),
    plugin: { vmId: 'vm' },
    alloc: (size: number) => ((top += size), top - size),
    property: (path: string) => properties[path],
    context: () => ({ setProperty: () => WasmResult.Ok }),
  } as unknown as Vm;
  const env = buildImports(vm).env as unknown as Record<string, Call>;
  const RET_PTR = 16;
  const RET_SIZE = 20;
  /** Writes `text` at `at`; returns its size. */
  const put = (at: number, text: string | Buffer) => {
    const b = Buffer.from(text);
    mem.write(at, b);
    return b.length;
  };
  /** The (ptr, size) the last call handed back, as bytes. */
  const returned = () => Buffer.from(mem.read(mem.readU32(RET_PTR)!, mem.readU32(RET_SIZE)!)!);
  return { env, mem, put, returned, RET_PTR, RET_SIZE };
}

test('proxy_get_property: a repeated path is recognised by its bytes, a new path at the same address is read anew', () => {
  const h = host({ 'source.address': '192.0.2.10:40000', 'upstream.address': '10.0.0.5:8080', 'x.y': 'v' });
  const at = 1024;
  for (const [path, want] of [
    ['source\0address', '192.0.2.10:40000'],
    ['source\0address', '192.0.2.10:40000'],
    ['upstream\0address', '10.0.0.5:8080'], // same address, other bytes
    ['source\0address\0', '192.0.2.10:40000'], // a trailing NUL is ignored (Envoy)
    ['upstream\0address', '10.0.0.5:8080'],
    ['x\0y', 'v'],
  ] as const) {
    const size = h.put(at, path);
    assert.equal(h.env.proxy_get_property!(at, size, h.RET_PTR, h.RET_SIZE), WasmResult.Ok, path);
    assert.equal(h.returned().toString(), want, path);
  }
  const size = h.put(at, 'x\0z');
  assert.equal(h.env.proxy_get_property!(at, size, h.RET_PTR, h.RET_SIZE), WasmResult.NotFound);
  assert.equal(h.env.proxy_get_property!(65530, 14, h.RET_PTR, h.RET_SIZE), WasmResult.InvalidMemoryAccess);
});

test('proxy_get_property: more distinct paths than are kept by their bytes are still answered', () => {
  const properties: Record<string, string> = {};
  for (let i = 0; i < 100; i++) properties[`p.k${i}`] = `v${i}`;
  const h = host(properties);
  for (let round = 0; round < 2; round++)
    for (let i = 0; i < 100; i++) {
      const size = h.put(2048, `p\0k${i}`);
      assert.equal(h.env.proxy_get_property!(2048, size, h.RET_PTR, h.RET_SIZE), WasmResult.Ok);
      assert.equal(h.returned().toString(), `v${i}`);
    }
});

test('proxy_get_property: string values are UTF-8 whether short ASCII, non-ASCII, lone surrogates or long', () => {
  const values = ['ascii', 'Zoë', '€', '😀', '\ud800x', 'a'.repeat(64), 'b'.repeat(65), 'c'.repeat(63) + 'é', 'd'.repeat(300)];
  const h = host(Object.fromEntries(values.map((v, i) => [`v.${i}`, v])));
  values.forEach((v, i) => {
    const size = h.put(1024, `v\0${i}`);
    assert.equal(h.env.proxy_get_property!(1024, size, h.RET_PTR, h.RET_SIZE), WasmResult.Ok);
    assert.equal(h.returned().toString('hex'), Buffer.from(v, 'utf8').toString('hex'), JSON.stringify(v).slice(0, 20));
  });
});

test('shared data: keys that repeat, and keys rewritten in place, reach the right entries', () => {
  const h = host({});
  const key = 1024;
  const value = 4096;
  const keys = ['palisade:rl:p:192.0.2.10', 'palisade:rl:p:192.0.2.11', 'k'.repeat(200), 'ключ'];
  for (let i = 0; i < 20; i++) keys.push(`key-${i}`); // more than are remembered: the oldest go
  for (let round = 0; round < 2; round++)
    keys.forEach((k, i) => {
      const ks = h.put(key, k);
      const vs = h.put(value, `${k}=${i}`);
      assert.equal(h.env.proxy_set_shared_data!(key, ks, value, vs, 0), WasmResult.Ok);
    });
  for (const [i, k] of keys.entries()) {
    const ks = h.put(key, k);
    assert.equal(h.env.proxy_get_shared_data!(key, ks, h.RET_PTR, h.RET_SIZE, 24), WasmResult.Ok, k.slice(0, 20));
    assert.equal(h.returned().toString(), `${k}=${i}`);
  }
  const ks = h.put(key, 'palisade:rl:p:192.0.2.12'); // same length and start as a known key
  assert.equal(h.env.proxy_get_shared_data!(key, ks, h.RET_PTR, h.RET_SIZE, 24), WasmResult.NotFound);
});
