import { describe, expect, it } from "vitest";
import { decodeProtectedHeader } from "jose";
import { generateSigningKey } from "./signing-keys.ts";
import { appWithKeys, loginOn, signUp } from "./testing.ts";

describe("signing key rotation by kid", () => {
  it("signs with the active key, still verifies the retired one, refuses a removed one", async () => {
    const oldKey = await generateSigningKey();
    const newKey = await generateSigningKey();
    const { email } = await signUp();

    const before = appWithKeys([oldKey]);
    const oldToken = (await loginOn(before, email)).access_token;
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKey.kid);

    const during = appWithKeys([
      { ...newKey, status: "active" },
      { ...oldKey, status: "retired" },
    ]);
    const sessionsWith = (app: typeof before, token: string) => app.request("/auth/sessions", { headers: { authorization: `Bearer ${token}` } });
    expect((await sessionsWith(during, oldToken)).status).toBe(200);
    const newToken = (await loginOn(during, email)).access_token;
    expect(decodeProtectedHeader(newToken).kid).toBe(newKey.kid);
    const jwks = await (await during.request("/.well-known/jwks.json")).json<{ keys: Array<Record<string, unknown>> }>();
    expect(jwks.keys.map((key) => key.kid)).toEqual([newKey.kid, oldKey.kid]);
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    }

    const after = appWithKeys([newKey]);
    expect((await sessionsWith(after, newToken)).status).toBe(200);
    const refused = await sessionsWith(after, oldToken);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("publishes a next key in the JWKS without signing with it until it is activated (two-step rotation)", async () => {
    const current = await generateSigningKey();
    const next = await generateSigningKey("next");
    const { email } = await signUp();
    const published = appWithKeys([next, current]);
    const jwks = await (await published.request("/.well-known/jwks.json")).json<{ keys: Array<{ kid: string }> }>();
    expect(jwks.keys.map((key) => key.kid)).toEqual([next.kid, current.kid]);
    const token = (await loginOn(published, email)).access_token;
    expect(decodeProtectedHeader(token).kid).toBe(current.kid);

    const activated = appWithKeys([
      { ...next, status: "active" },
      { ...current, status: "retired" },
    ]);
    expect(decodeProtectedHeader((await loginOn(activated, email)).access_token).kid).toBe(next.kid);
    expect((await activated.request("/auth/sessions", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("serves the JWKS with a short public cache lifetime", async () => {
    const app = appWithKeys([await generateSigningKey()]);
    const response = await app.request("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("verifies ES256 (P-256) keys as well", async () => {
    const { privateKey } = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
    const key = { kid: "ec-1", status: "active" as const, kty: "EC" as const, crv: "P-256" as const, x: String(jwk.x), y: String(jwk.y), d: String(jwk.d) };
    const app = appWithKeys([key]);
    const { email } = await signUp();
    const token = (await loginOn(app, email)).access_token;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", kid: "ec-1" });
    expect((await app.request("/auth/sessions", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
