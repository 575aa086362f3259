import { CodecError } from "../errors";
import { ProtoReader } from "../reader";

function bytes(list: Array<u8>): ArrayBuffer {
  const b = new ArrayBuffer(list.length);
  for (let i = 0; i < list.length; i++) store<u8>(changetype<usize>(b) + <usize>i, list[i]);
  return b;
}

describe("ProtoReader", () => {
  it("reads varint and length-delimited fields", () => {
    // field 1 = 300, field 2 = "hi"
    const r = ProtoReader.of(bytes([0x08, 0xac, 0x02, 0x12, 0x02, 0x68, 0x69]));
    expect(r.tag()).toBe(1);
    expect(r.varint()).toBe(300);
    expect(r.tag()).toBe(2);
    expect(r.string()).toBe("hi");
    expect(r.tag()).toBe(0);
    expect(r.failed).toBe(false);
  });

  it("skips unknown fields of every wire type", () => {
    // 9: varint, 10: fixed64, 11: len, 12: fixed32, then field 1 = 7
    const r = ProtoReader.of(bytes([0x48, 0x01, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x5a, 0x01, 0x00, 0x65, 1, 2, 3, 4, 0x08, 0x07]));
    let version: u64 = 0;
    for (let f = r.tag(); f != 0; f = r.tag()) {
      if (f == 1) version = r.varint();
      else r.skip();
    }
    expect(r.failed).toBe(false);
    expect(version).toBe(7);
  });

  it("refuses a known varint field sent with another wire type", () => {
    const r = ProtoReader.of(bytes([0x0a, 0x01, 0x31]));
    expect(r.tag()).toBe(1);
    r.varint();
    expect(r.failed).toBe(true);
    expect(r.error).toBe(CodecError.WrongWireType);
  });

  it("refuses a length past the end", () => {
    const r = ProtoReader.of(bytes([0x12, 0x05, 0x68]));
    r.tag();
    expect(r.string()).toBe("");
    expect(r.error).toBe(CodecError.Truncated);
  });

  it("refuses a varint longer than ten bytes", () => {
    const r = ProtoReader.of(bytes([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    r.tag();
    r.varint();
    expect(r.error).toBe(CodecError.BadVarint);
  });

  it("refuses field number 0 and the non-existent wire types", () => {
    const zero = ProtoReader.of(bytes([0x00, 0x01]));
    expect(zero.tag()).toBe(0);
    expect(zero.error).toBe(CodecError.BadTag);
    const seven = ProtoReader.of(bytes([0x0f]));
    seven.tag();
    seven.skip();
    expect(seven.error).toBe(CodecError.WrongWireType);
  });

  it("reads nothing more once it failed", () => {
    const r = ProtoReader.of(bytes([0x12, 0x09, 0x08, 0x01]));
    r.tag();
    r.sub();
    expect(r.failed).toBe(true);
    expect(r.tag()).toBe(0);
  });
});
