import { asciiLower } from "../util/ascii";

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
