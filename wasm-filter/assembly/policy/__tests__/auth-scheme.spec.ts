import { decodeBase64Url, jwtAlg } from "../auth-scheme";

describe("decodeBase64Url", () => {
  it("decodes with and without padding", () => {
    expect(decodeBase64Url("eyJhbGciOiJIUzI1NiJ9", 1024)).toBe('{"alg":"HS256"}');
    expect(decodeBase64Url("YWI=", 1024)).toBe("ab");
  });
  it("refuses characters outside the alphabet", () => {
    expect(decodeBase64Url("ab$d", 1024)).toBeNull();
  });
  it("refuses output longer than the limit, and accepts exactly the limit", () => {
    expect(decodeBase64Url("YWJj", 3)).toBe("abc");
    expect(decodeBase64Url("YWJjZA", 3)).toBeNull();
  });
});

describe("jwtAlg", () => {
  it("reads alg from a compact JWT", () => {
    expect(jwtAlg("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln")).toBe("HS256");
  });
  it("is null for tokens that are not JWTs", () => {
    expect(jwtAlg("opaque-token")).toBeNull();
    expect(jwtAlg("a.b.c.d")).toBeNull();
    expect(jwtAlg("YWJj.e30.x")).toBeNull();
  });
});
