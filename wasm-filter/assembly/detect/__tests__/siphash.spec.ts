import { siphash24 } from "../siphash";

// Reference vectors of the SipHash paper / reference implementation (vectors.h): key bytes
// 00..0f, message i = bytes 00..(i-1); outputs as u64 (the reference prints them little-endian).
const K0: u64 = 0x0706050403020100;
const K1: u64 = 0x0f0e0d0c0b0a0908;

function hashOfPrefix(n: i32): u64 {
  const msg = new StaticArray<u8>(64);
  for (let i = 0; i < 64; i++) msg[i] = <u8>i;
  return siphash24(K0, K1, changetype<usize>(msg), <usize>n);
}

describe("siphash24", () => {
  it("matches the reference vectors for lengths 0-11 and 15", () => {
    expect(hashOfPrefix(0)).toBe(0x726fdb47dd0e0e31);
    expect(hashOfPrefix(1)).toBe(0x74f839c593dc67fd);
    expect(hashOfPrefix(2)).toBe(0x0d6c8009d9a94f5a);
    expect(hashOfPrefix(3)).toBe(0x85676696d7fb7e2d);
    expect(hashOfPrefix(4)).toBe(0xcf2794e0277187b7);
    expect(hashOfPrefix(5)).toBe(0x18765564cd99a68d);
    expect(hashOfPrefix(6)).toBe(0xcbc9466e58fee3ce);
    expect(hashOfPrefix(7)).toBe(0xab0200f58b01d137);
    expect(hashOfPrefix(8)).toBe(0x93f5f5799a932462);
    expect(hashOfPrefix(9)).toBe(0x9e0082df0ba9e4b0);
    expect(hashOfPrefix(10)).toBe(0x7a5dbbc594ddb9f3);
    expect(hashOfPrefix(11)).toBe(0xf4b32f46226bada7);
    expect(hashOfPrefix(15)).toBe(0xa129ca6149be45e5);
  });
  it("matches the reference vectors across block boundaries (16-32 and 63 bytes)", () => {
    expect(hashOfPrefix(16)).toBe(0x3f2acc7f57c29bdb);
    expect(hashOfPrefix(17)).toBe(0x699ae9f52cbe4794);
    expect(hashOfPrefix(23)).toBe(0xa80c038ccd5ccec8);
    expect(hashOfPrefix(24)).toBe(0xb8ad50c6f649af94);
    expect(hashOfPrefix(31)).toBe(0x32d892fad841c342);
    expect(hashOfPrefix(32)).toBe(0x7127512f72f27cce);
    expect(hashOfPrefix(63)).toBe(0x958a324ceb064572);
  });
  it("depends on the key", () => {
    const msg = new StaticArray<u8>(4);
    expect(siphash24(1, 2, changetype<usize>(msg), 4)).not.toBe(siphash24(1, 3, changetype<usize>(msg), 4));
  });
});
