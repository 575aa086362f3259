import { ByteBuf } from "../segment";

function text(b: ByteBuf): string {
  return String.UTF8.decodeUnsafe(b.ptr, b.len);
}

describe("ByteBuf.appendAscii", () => {
  it("appends an ASCII string as its UTF-8 bytes", () => {
    const b = new ByteBuf();
    b.push(0x3e);
    expect(b.appendAscii("x-api-key")).toBe(true);
    expect(b.len).toBe(10);
    expect(text(b)).toBe(">x-api-key");
  });
  it("appends nothing and says so for a string beyond ASCII", () => {
    const b = new ByteBuf();
    expect(b.appendAscii("x-clé")).toBe(false);
    expect(b.len).toBe(0);
  });
});
