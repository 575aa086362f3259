import { decodeBase64Url, detectRequestAuth, jwtAlg } from "../auth-scheme";
import { AuthScheme, RequestInfo } from "../request-info";
import { HeaderPair } from "../../abi/pairs";

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

function queryAuth(query: string): RequestInfo {
  const req = new RequestInfo();
  req.query = query;
  detectRequestAuth(req);
  return req;
}

describe("detectRequestAuth, API keys in the query", () => {
  it("names the first listed parameter that has a value, whatever its case", () => {
    const req = queryAuth("page=2&API_KEY=k1&token=t");
    expect(req.authScheme).toBe(AuthScheme.ApiKeyQuery);
    expect(req.apiKeyName).toBe("api_key");
    expect(req.apiKey).toBe("k1");
  });
  it("skips parameters without a value, empty parts and names that only start like a listed one", () => {
    const req = queryAuth("key=&&apikeys=x&Token=t2");
    expect(req.apiKeyName).toBe("token");
    expect(req.apiKey).toBe("t2");
    expect(queryAuth("apikey").authScheme).toBe(AuthScheme.None);
    expect(queryAuth("a=1&b=2").authScheme).toBe(AuthScheme.None);
    expect(queryAuth("").authScheme).toBe(AuthScheme.None);
  });
  it("lower-cases a name beyond ASCII as toLowerCase() does (the Kelvin sign is a k)", () => {
    const req = queryAuth("api_\u212Aey=k2");
    expect(req.authScheme).toBe(AuthScheme.ApiKeyQuery);
    expect(req.apiKeyName).toBe("api_key");
    expect(req.apiKey).toBe("k2");
  });
});

function headerAuth(value: string): RequestInfo {
  const req = new RequestInfo();
  req.headers.push(new HeaderPair("authorization", value));
  detectRequestAuth(req);
  return req;
}

describe("detectRequestAuth, Authorization values in turn", () => {
  it("reads each value for itself, the same one again included", () => {
    const jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln";
    for (let round = 0; round < 2; round++) {
      const a = headerAuth(jwt);
      expect(a.authScheme).toBe(AuthScheme.Jwt);
      expect(a.jwtAlg).toBe("HS256");
      expect(a.apiKey).toBe("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln");
      const again = headerAuth(jwt);
      expect(again.jwtAlg).toBe("HS256");
      const basic = headerAuth("Basic YWxhZGRpbjpvcGVuc2VzYW1l");
      expect(basic.authScheme).toBe(AuthScheme.Basic);
      expect(basic.jwtAlg).toBe("");
      expect(basic.apiKey).toBe("YWxhZGRpbjpvcGVuc2VzYW1l");
      const opaque = headerAuth("Bearer opaque-token");
      expect(opaque.authScheme).toBe(AuthScheme.Bearer);
      expect(opaque.jwtAlg).toBe("");
      expect(opaque.apiKeyName).toBe("authorization");
    }
  });
});
