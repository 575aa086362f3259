import { upstreamIpOf } from "../upstream-address";

describe("upstreamIpOf", () => {
  it("drops the port of an IPv4 upstream address", () => {
    expect(upstreamIpOf("10.0.0.5:8080")).toBe("10.0.0.5");
  });

  it("drops the brackets and port of an IPv6 upstream address", () => {
    expect(upstreamIpOf("[2001:db8::5]:443")).toBe("2001:db8::5");
  });

  it("keeps an address that carries no port", () => {
    expect(upstreamIpOf("203.0.113.9")).toBe("203.0.113.9");
  });

  it("reports nothing for addresses that are not IPs", () => {
    expect(upstreamIpOf("")).toBe("");
    expect(upstreamIpOf("/var/run/app.sock")).toBe("");
    expect(upstreamIpOf("envoy://internal_client_address/")).toBe("");
    expect(upstreamIpOf("app.internal:8080")).toBe("");
    expect(upstreamIpOf("[::1")).toBe("");
    expect(upstreamIpOf("999.1.1.1:80")).toBe("");
  });
});
