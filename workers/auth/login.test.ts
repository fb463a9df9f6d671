import { describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { getWithToken, postJson, signUp, strongPassword, uniqueEmail } from "./testing.ts";

describe("POST /auth/login", () => {
  it("signs a registered listener in with an access token and a refresh token", async () => {
    const tokens = await signUp(uniqueEmail(), "Pixel 8");
    expect(tokens.expires_in).toBe(600);
    expect(tokens.refresh_token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
    expect(header.kid).toBeTruthy();
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ roles: ["listener"], is_premium: false, sid: tokens.session_id, aud: "tunec-api" });
    expect(claims.exp).toBe((claims.iat ?? 0) + 600);
    for (const claim of ["sub", "iss", "nbf", "jti"]) expect(claims[claim]).toBeDefined();

    const sessions = await getWithToken("/auth/sessions", tokens.access_token);
    expect(sessions.status).toBe(200);
    expect(await sessions.json()).toMatchObject({ sessions: [{ id: tokens.session_id, device: "Pixel 8", current: true }] });
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const { email } = await signUp();
    const wrong = await postJson("/auth/login", { email, password: "not the password at all" });
    const unknown = await postJson("/auth/login", { email: uniqueEmail("ghost"), password: strongPassword });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    const strip = async (response: Response) => {
      const { request_id: _id, ...body } = await response.json<Record<string, unknown>>();
      const headers = [...response.headers].filter(([name]) => !["x-request-id", "traceparent"].includes(name));
      return { body, headers };
    };
    expect(await strip(wrong)).toEqual(await strip(unknown));
  });

  it("spends the same work on an unknown email as on a wrong password (timing)", async () => {
    const { email } = await signUp();
    const ghost = uniqueEmail("ghost");
    const wrong: number[] = [];
    const unknown: number[] = [];
    const timed = async (body: unknown, into: number[]) => {
      const started = performance.now();
      expect((await postJson("/auth/login", body)).status).toBe(401);
      into.push(performance.now() - started);
    };
    // Interleaved so that load on the machine hits both alike.
    for (let i = 0; i < 7; i++) {
      await timed({ email, password: "not the password at all" }, wrong);
      await timed({ email: ghost, password: "not the password at all" }, unknown);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[3] ?? Number.NaN;
    console.log(`login 401 median: wrong password ${median(wrong).toFixed(1)} ms, unknown email ${median(unknown).toFixed(1)} ms`);
    // Both run one argon2id verification (tens of ms); without the dummy the unknown email would answer in ~1 ms.
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(wrong)).toBeLessThan(2);
  });

  it("matches emails case-insensitively", async () => {
    const { email } = await signUp();
    const response = await postJson("/auth/login", { email: email.toUpperCase(), password: strongPassword });
    expect(response.status).toBe(200);
  });

  it("rejects a malformed body with 400 naming the fields", async () => {
    const response = await postJson("/auth/login", { email: "not-an-email" });
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: Array<{ field: string }> }>();
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["body.email", "body.password"]);
  });
});
