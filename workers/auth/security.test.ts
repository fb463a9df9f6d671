import { beforeAll, describe, expect, it } from "vitest";
import { base64url, decodeJwt, importJWK, SignJWT, UnsecuredJWT, type JWTPayload } from "jose";
import { generateSigningKey, type SigningKeyConfig } from "./signing-keys.ts";
import { appWithKeys, loginOn, signUp, type Tokens } from "./testing.ts";

// Every forged or broken token must get the same 401 problem, whatever check it fails.
describe("access token security", () => {
  let key: SigningKeyConfig;
  let app: ReturnType<typeof appWithKeys>;
  let tokens: Tokens;
  let claims: JWTPayload;

  beforeAll(async () => {
    key = await generateSigningKey();
    app = appWithKeys([key]);
    const { email } = await signUp();
    tokens = await loginOn(app, email);
    claims = decodeJwt(tokens.access_token);
  });

  async function sign(payload: JWTPayload, header: Record<string, unknown> = {}, signingKey: SigningKeyConfig = key) {
    const { kid: _kid, status: _status, ...jwk } = signingKey;
    const privateKey = await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA");
    return new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: signingKey.kid, ...header }).sign(privateKey);
  }

  const call = (token: string) => app.request("/auth/sessions", { headers: { authorization: `Bearer ${token}` } });
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts the genuine token (control)", async () => {
    expect((await call(tokens.access_token)).status).toBe(200);
    expect((await call(await sign(claims))).status).toBe(200);
  });

  const forgeries: Array<[string, () => Promise<string>]> = [
    ["alg none", async () => new UnsecuredJWT(claims).encode()],
    [
      "alg none with typ and kid",
      async () => {
        const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: key.kid }));
        return `${header}.${base64url.encode(JSON.stringify(claims))}.`;
      },
    ],
    [
      "HS256 signed with the public JWK",
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify({ kty: key.kty, crv: key.crv, x: key.x }));
        return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: key.kid }).sign(secret);
      },
    ],
    [
      "HS256 with the raw public key bytes",
      async () => new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: key.kid }).sign(base64url.decode(key.x)),
    ],
    ["expired", async () => sign({ ...claims, iat: now() - 3600, nbf: now() - 3600, exp: now() - 60 })],
    ["not yet valid", async () => sign({ ...claims, nbf: now() + 3600, exp: now() + 4200 })],
    ["wrong issuer", async () => sign({ ...claims, iss: "https://evil.example" })],
    ["wrong audience", async () => sign({ ...claims, aud: "another-api" })],
    [
      "tampered payload",
      async () => {
        const [header, , signature] = tokens.access_token.split(".");
        const payload = base64url.encode(JSON.stringify({ ...claims, roles: ["admin"] }));
        return `${header}.${payload}.${signature}`;
      },
    ],
    ["unknown kid", async () => sign(claims, {}, { ...(await generateSigningKey()), kid: "nobody-knows-me" })],
    ["known kid, other key", async () => sign(claims, {}, { ...(await generateSigningKey()), kid: key.kid })],
    ["no kid", async () => sign(claims, { kid: undefined })],
    ["wrong typ", async () => sign(claims, { typ: "JWT" })],
    ["missing sid", async () => sign({ ...claims, sid: undefined })],
    ["roles of the wrong shape", async () => sign({ ...claims, roles: "admin" })],
    ["garbage", async () => "not.a.jwt"],
  ];

  it.each(forgeries)("refuses %s with 401 invalid_token problem+json", async (_name, forge) => {
    const response = await call(await forge());
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tunec", error="invalid_token"');
    const { request_id: _id, ...problem } = await response.json<Record<string, unknown>>();
    expect(problem).toEqual({
      type: "https://tunec.dev/problems/invalid-token",
      title: "Invalid access token",
      status: 401,
      detail: "The access token is invalid or expired.",
      instance: "/auth/sessions",
      code: "INVALID_TOKEN",
    });
  });

  it("asks for a token where none came", async () => {
    const response = await app.request("/auth/sessions");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tunec"');
    expect(await response.json()).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("serves a public route as anonymous even with a broken token", async () => {
    const response = await app.request("/.well-known/jwks.json", { headers: { authorization: "Bearer not.a.jwt" } });
    expect(response.status).toBe(200);
  });

  it("refuses a malformed Authorization header", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", `Bearer ${tokens.access_token} extra`]) {
      const response = await app.request("/auth/sessions", { headers: { authorization: header } });
      expect(response.status, header).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
  });
});
