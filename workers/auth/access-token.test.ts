import { afterEach, describe, expect, it, vi } from "vitest";
import { accessTokenTtlSeconds, InvalidTokenError, signAccessToken, verifyAccessTokenCached, type Principal } from "./access-token.ts";
import { createKeyRing, generateSigningKey } from "./signing-keys.ts";

const settings = { issuer: "https://tunec.test", audience: "tunec-api" };
const principal: Principal = { userId: crypto.randomUUID(), roles: ["listener"], isPremium: false, sessionId: crypto.randomUUID() };

describe("verifyAccessTokenCached", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers a token again from memory, but refuses it once it has expired", async () => {
    const ring = await createKeyRing([await generateSigningKey()]);
    const { token } = await signAccessToken(ring, settings, principal);
    expect(await verifyAccessTokenCached(ring, settings, token)).toEqual(principal);
    expect(await verifyAccessTokenCached(ring, settings, token)).toEqual(principal);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (accessTokenTtlSeconds + 60) * 1000);
    await expect(verifyAccessTokenCached(ring, settings, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it("refuses a cached token for another issuer or audience, and under a ring without its key", async () => {
    const key = await generateSigningKey();
    const ring = await createKeyRing([key]);
    const { token } = await signAccessToken(ring, settings, principal);
    await verifyAccessTokenCached(ring, settings, token);
    await expect(verifyAccessTokenCached(ring, { ...settings, audience: "another" }, token)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifyAccessTokenCached(ring, { ...settings, issuer: "https://elsewhere.test" }, token)).rejects.toBeInstanceOf(InvalidTokenError);
    const rotated = await createKeyRing([await generateSigningKey()]);
    await expect(verifyAccessTokenCached(rotated, settings, token)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await verifyAccessTokenCached(ring, settings, token)).toEqual(principal);
  });

  it("hands out copies: a caller changing its principal does not change the next one", async () => {
    const ring = await createKeyRing([await generateSigningKey()]);
    const { token } = await signAccessToken(ring, settings, principal);
    const first = await verifyAccessTokenCached(ring, settings, token);
    first.roles.push("admin");
    first.isPremium = true;
    expect(await verifyAccessTokenCached(ring, settings, token)).toEqual(principal);
  });

  it("does not cache a refused token", async () => {
    const ring = await createKeyRing([await generateSigningKey()]);
    const { token } = await signAccessToken(ring, settings, principal);
    const [header, payload, signature = ""] = token.split(".");
    const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    await expect(verifyAccessTokenCached(ring, settings, forged)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifyAccessTokenCached(ring, settings, forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
