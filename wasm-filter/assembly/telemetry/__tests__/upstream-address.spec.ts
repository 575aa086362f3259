import { upstreamIpOf } from "../upstream-address";

function ipOf(address: string): string {
  return upstreamIpOf(String.UTF8.encode(address));
}

describe("upstreamIpOf", () => {
  it("drops the port of an IPv4 upstream address", () => {
    expect(ipOf("10.0.0.5:8080")).toBe("10.0.0.5");
    expect(ipOf("10.0.0.5:")).toBe("10.0.0.5");
  });

  it("drops the brackets and port of an IPv6 upstream address", () => {
    expect(ipOf("[2001:db8::5]:443")).toBe("2001:db8::5");
  });

  it("keeps an address that carries no port", () => {
    expect(ipOf("203.0.113.9")).toBe("203.0.113.9");
    expect(ipOf("2001:db8::9")).toBe("2001:db8::9");
  });

  it("reports nothing for addresses that are not IPs", () => {
    expect(ipOf("")).toBe("");
    expect(ipOf("/var/run/app.sock")).toBe("");
    expect(ipOf("envoy://internal_client_address/")).toBe("");
    expect(ipOf("app.internal:8080")).toBe("");
    expect(ipOf("[::1")).toBe("");
    expect(ipOf("999.1.1.1:80")).toBe("");
    expect(ipOf("1.2.3:80")).toBe("");
    expect(ipOf("1.2.3.4.5:80")).toBe("");
    expect(ipOf("[]:80")).toBe("");
    expect(ipOf("[1:2:3:4:5:6:7:8:9]:80")).toBe("");
  });

  it("answers a repeated address with the last IP string, and a new one with its own", () => {
    const first = ipOf("10.0.0.7:8080");
    expect(changetype<usize>(ipOf("10.0.0.7:8080"))).toBe(changetype<usize>(first), "the same string, not a new one");
    expect(ipOf("10.0.0.8:8080")).toBe("10.0.0.8");
    expect(ipOf("/var/run/app.sock")).toBe("");
    expect(ipOf("10.0.0.7:8080")).toBe("10.0.0.7");
  });
});
