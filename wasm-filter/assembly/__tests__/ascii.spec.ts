import { asciiLower, lowerCaseOf, sameAscii, upperCaseOf } from "../util/ascii";

describe("asciiLower", () => {
  it("lower-cases ASCII letters only", () => {
    expect(asciiLower("Content-Type")).toBe("content-type");
    expect(asciiLower("X-API-KEY")).toBe("x-api-key");
  });
  it("returns the same string when nothing changes", () => {
    expect(asciiLower("already-lower")).toBe("already-lower");
  });
  it("keeps non-ASCII characters", () => {
    expect(asciiLower("Ä-Header")).toBe("Ä-header");
  });
});

describe("lowerCaseOf / upperCaseOf", () => {
  it("return the very string when the case mapping would not change it", () => {
    const host = "api.example.test";
    expect(changetype<usize>(lowerCaseOf(host))).toBe(changetype<usize>(host));
    const method = "POST";
    expect(changetype<usize>(upperCaseOf(method))).toBe(changetype<usize>(method));
  });
  it("equal toLowerCase() / toUpperCase() otherwise, beyond ASCII too", () => {
    const cases = ["Api.Example.TEST", "application/JSON", "\u212Aey", "Élan", "straße", "get", "", "a\u0130b"];
    for (let i = 0; i < cases.length; i++) {
      expect(lowerCaseOf(cases[i])).toBe(cases[i].toLowerCase());
      expect(upperCaseOf(cases[i])).toBe(cases[i].toUpperCase());
    }
  });
});

describe("sameAscii", () => {
  it("tells whether UTF-8 bytes spell an ASCII string exactly", () => {
    const bytes = String.UTF8.encode("expand");
    const p = changetype<usize>(bytes);
    expect(sameAscii("expand", p, 6)).toBe(true);
    expect(sameAscii("expand", p, 5)).toBe(false, "a shorter span");
    expect(sameAscii("expanD", p, 6)).toBe(false, "one unit differs");
    expect(sameAscii("", p, 0)).toBe(true);
  });
  it("finds a difference or a non-ASCII byte at any position, in the four-byte steps or the tail", () => {
    const text = "x-request-id:8a3c2f9e";
    for (let n = 0; n <= text.length; n++) {
      const s = text.substring(0, n);
      const bytes = String.UTF8.encode(s);
      const p = changetype<usize>(bytes);
      expect(sameAscii(s, p, <usize>n)).toBe(true, s);
      for (let at = 0; at < n; at++) {
        const was = load<u8>(p + <usize>at);
        store<u8>(p + <usize>at, was ^ 0x01);
        expect(sameAscii(s, p, <usize>n)).toBe(false, "a byte differs");
        store<u8>(p + <usize>at, was | 0x80);
        expect(sameAscii(s, p, <usize>n)).toBe(false, "a byte beyond ASCII");
        store<u8>(p + <usize>at, was);
      }
    }
  });
  it("never matches a byte beyond ASCII, even one equal to the unit", () => {
    const bytes = new ArrayBuffer(1);
    store<u8>(changetype<usize>(bytes), 0xe9);
    expect(sameAscii("\u00e9", changetype<usize>(bytes), 1)).toBe(false);
  });
});
