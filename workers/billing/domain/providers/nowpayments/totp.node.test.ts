import { describe, expect, it } from "vitest";
import { base32Decode, totp } from "./totp.ts";

describe("TOTP", () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890".
  const seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  it("matches the RFC 6238 test vectors", async () => {
    expect(await totp(seed, new Date(59_000), 8)).toBe("94287082");
    expect(await totp(seed, new Date(1_111_111_109_000), 8)).toBe("07081804");
    expect(await totp(seed, new Date(20_000_000_000_000), 8)).toBe("65353130");
    expect(await totp(seed, new Date(1_111_111_109_000))).toBe("081804");
  });

  it("decodes base32 as authenticator apps write it", () => {
    expect(new TextDecoder().decode(base32Decode("gezd gnbv gy3t qojq"))).toBe("1234567890");
    expect(() => base32Decode("not-base32!")).toThrow(RangeError);
  });
});
