import { asciiLower, lowerCaseOf, upperCaseOf } from "../util/ascii";

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
