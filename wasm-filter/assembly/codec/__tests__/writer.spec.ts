import { ProtoWriter } from "../writer";

function hex(b: ArrayBuffer): string {
  let s = "";
  for (let i = 0; i < b.byteLength; i++) s += (<u32>load<u8>(changetype<usize>(b) + <usize>i)).toString(16).padStart(2, "0");
  return s;
}

/** A nested message of `n` string bytes, written in place (begin/end) and by copying (message). */
function both(n: i32, always: bool): Array<string> {
  const text = "x".repeat(n);
  const a = new ProtoWriter(8);
  a.uint32(1, 7);
  const m = a.begin(20);
  a.string(3, text);
  a.end(m, always);
  a.uint32(2, 9);
  const inner = new ProtoWriter(8);
  inner.string(3, text);
  const b = new ProtoWriter(8);
  b.uint32(1, 7);
  b.message(20, inner, always);
  b.uint32(2, 9);
  return [hex(a.finish()), hex(b.finish())];
}

describe("ProtoWriter.begin/end", () => {
  it("writes the same bytes as a copied nested message, across length-prefix sizes", () => {
    const sizes: i32[] = [1, 100, 125, 126, 200, 16381, 16382, 20000];
    for (let i = 0; i < sizes.length; i++) {
      const r = both(sizes[i], false);
      expect(r[0]).toBe(r[1]);
    }
  });

  it("drops an empty message unless always, like message()", () => {
    let r = both(0, false);
    expect(r[0]).toBe("0807" + "1009");
    expect(r[0]).toBe(r[1]);
    r = both(0, true);
    expect(r[0]).toBe("0807a20100" + "1009");
    expect(r[0]).toBe(r[1]);
  });

  it("encodes non-ASCII strings in place as UTF-8", () => {
    const w = new ProtoWriter(4);
    w.string(1, "é€");
    expect(hex(w.finish())).toBe("0a05c3a9e282ac");
  });
});
