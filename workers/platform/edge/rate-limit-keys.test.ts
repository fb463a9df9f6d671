import { describe, expect, it } from "vitest";
import { clientAddress } from "./rate-limit-keys.ts";

const request = (headers: Record<string, string>) => new Request("https://tunec.test/", { headers });

describe("client address for rate limits", () => {
  it("takes CF-Connecting-IP, which Cloudflare sets and clients cannot forge", () => {
    expect(clientAddress(request({ "cf-connecting-ip": "203.0.113.7", "x-forwarded-for": "1.1.1.1" }), true)).toBe("203.0.113.7");
  });

  it("trusts proxy headers only when told to (local servers)", () => {
    const proxied = request({ "x-forwarded-for": "198.51.100.4, 10.0.0.1" });
    expect(clientAddress(proxied, true)).toBe("198.51.100.4");
    expect(clientAddress(proxied, false)).toBe("unknown");
    expect(clientAddress(request({ "x-real-ip": "198.51.100.9" }), true)).toBe("198.51.100.9");
  });

  it("groups IPv6 clients by their /64", () => {
    const key = (ip: string) => clientAddress(request({ "cf-connecting-ip": ip }), false);
    expect(key("2001:db8:85a3:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:85a3:1::/64");
    expect(key("2001:db8:85a3:1::1")).toBe(key("2001:db8:85a3:1:ffff::2"));
    expect(key("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(key("::1")).toBe("0:0:0:0::/64");
    expect(key("2001:db8:85a3:2::1")).not.toBe(key("2001:db8:85a3:1::1"));
    expect(key("fe80::<script>")).toBe("invalid");
  });
});
