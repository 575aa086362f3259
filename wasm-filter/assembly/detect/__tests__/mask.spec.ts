import { maskPreview, MASK_ALL, MASK_EMAIL, MASK_KEEP_ENDS, MASK_KEEP_LAST4, MASK_KEEP_PREFIX } from "../mask";

function m(style: i32, s: string): string {
  const b = String.UTF8.encode(s);
  return maskPreview(style, changetype<usize>(b), b.byteLength);
}

describe("maskPreview", () => {
  it("KEEP_ENDS keeps 4 + 4 around at most 12 stars; short values are all stars", () => {
    expect(m(MASK_KEEP_ENDS, "4111111111111111")).toBe("4111********1111");
    expect(m(MASK_KEEP_ENDS, "GB82WEST12345698765432")).toBe("GB82************5432");
    expect(m(MASK_KEEP_ENDS, "12345678")).toBe("********");
    expect(m(MASK_KEEP_ENDS, "123")).toBe("***");
  });
  it("KEEP_LAST4 keeps the last 4", () => {
    expect(m(MASK_KEEP_LAST4, "536-22-1234")).toBe("*******1234");
    expect(m(MASK_KEEP_LAST4, "1234")).toBe("****");
  });
  it("EMAIL keeps the first byte and the domain", () => {
    expect(m(MASK_EMAIL, "jane.doe@example.com")).toBe("j***@example.com");
    expect(m(MASK_EMAIL, "@example.com")).toBe("********");
  });
  it("EMAIL previews are truncated to 64 bytes", () => {
    let domain = "";
    for (let i = 0; i < 80; i++) domain += "a";
    expect(m(MASK_EMAIL, "x@" + domain).length).toBe(64);
  });
  it("ALL is always 8 stars", () => {
    expect(m(MASK_ALL, "hunter2")).toBe("********");
    expect(m(0, "a-very-long-secret-value")).toBe("********");
  });
  it("KEEP_PREFIX keeps through the last _ or - in the first 9 bytes, else 4 bytes", () => {
    expect(m(MASK_KEEP_PREFIX, "ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("ghp_********");
    expect(m(MASK_KEEP_PREFIX, "sk_live_abcdefghijkl")).toBe("sk_live_********");
    expect(m(MASK_KEEP_PREFIX, "AKIAIOSFODNN7EXAMPLE")).toBe("AKIA********");
    expect(m(MASK_KEEP_PREFIX, "abc")).toBe("ab*");
  });
  it("writes unprintable kept bytes as stars", () => {
    expect(m(MASK_KEEP_LAST4, "12345 é")).toBe("****5***"); // 8 bytes: é is C3 A9
  });
});
