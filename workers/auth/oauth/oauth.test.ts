import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../../platform/edge-database.ts";
import { mintAccountLink } from "../account-email.ts";
import { strongPassword, uniqueEmail } from "../testing.ts";
import { oauthGateway, origin, signInWith, uniqueSubject, type Gateway } from "./testing.ts";

interface Tokens {
  access_token: string;
  refresh_token: string;
  session_id: string;
}

let app: Gateway;
beforeAll(() => {
  app = oauthGateway();
});

async function userIdOf(response: Response): Promise<string> {
  expect(response.status, await response.clone().text()).toBe(200);
  const tokens = await response.json<Tokens>();
  const me = await app.request(`${origin}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(me.status).toBe(200);
  return (await me.json<{ user_id: string }>()).user_id;
}

async function identitiesOf(accountId: string) {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await db
      .selectFrom("auth.identities")
      .select(["provider", "subject", "email", "email_verified"])
      .where("account_id", "=", accountId)
      .orderBy("provider")
      .execute();
  } finally {
    await db.destroy();
  }
}

async function postCredentials(path: string, email: string): Promise<Response> {
  return app.request(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: strongPassword }),
  });
}

async function passwordAccount(email: string): Promise<string> {
  expect((await postCredentials("/auth/register", email)).status).toBe(202);
  return userIdOf(await postCredentials("/auth/login", email));
}

async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** The owner follows the verification link mailed at registration. */
async function verifyAddressOf(accountId: string): Promise<void> {
  const link = await withDb((db) => mintAccountLink(db, accountId, "verify-email"));
  const verified = await app.request(`${origin}/auth/email/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: link?.token }),
  });
  expect(verified.status).toBe(200);
}

async function expectProblem(response: Response, status: number, code: string): Promise<{ detail?: string }> {
  const body = await response.json<{ status: number; code: string; detail?: string }>();
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(body).toMatchObject({ status, code });
  return body;
}

describe("sign-in with Google (OpenID Connect) against a real OpenID provider", () => {
  it("starts with PKCE S256, state and nonce, keeping them in an encrypted HttpOnly cookie", async () => {
    const start = await app.request(`${origin}/auth/oauth/google/start`);
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location") ?? "");
    expect(location.pathname).toBe("/auth");
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "tunec-google",
      redirect_uri: `${origin}/auth/oauth/google/callback`,
      scope: "openid email profile",
      code_challenge_method: "S256",
    });
    for (const name of ["state", "nonce", "code_challenge"]) expect(location.searchParams.get(name)).toMatch(/^[\w-]{22,}$/);
    const cookie = start.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^__Host-tunec-oauth-google=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    // Encrypted: neither the state nor anything else is readable in it.
    expect(cookie).not.toContain(location.searchParams.get("state"));
  });

  it("creates an account for a new user, and signs the same user into it again", async () => {
    const user = { sub: uniqueSubject(), email: uniqueEmail("google"), emailVerified: true };
    const first = await userIdOf(await signInWith(app, "google", user));
    const second = await userIdOf(await signInWith(app, "google", user));
    expect(second).toBe(first);
    expect(await identitiesOf(first)).toEqual([{ provider: "google", subject: user.sub, email: user.email, email_verified: true }]);
  });

  it("links a password account whose owner verified the address, and keeps its password", async () => {
    const email = uniqueEmail("both");
    const accountId = await passwordAccount(email);
    await verifyAddressOf(accountId);
    expect(await userIdOf(await signInWith(app, "google", { sub: uniqueSubject(), email: email.toUpperCase(), emailVerified: true }))).toBe(accountId);
    expect((await identitiesOf(accountId)).map((identity) => identity.provider)).toEqual(["google"]);
    expect((await postCredentials("/auth/login", email)).status).toBe(200);
  });

  it("takes a pre-registered, never verified account away from whoever registered it (issue 17, item 2)", async () => {
    const email = uniqueEmail("squatted");
    const squatter = await postCredentials("/auth/register", email).then(() => postCredentials("/auth/login", email));
    const squatterTokens = await squatter.json<Tokens>();
    const accountId = await userIdOf(await signInWith(app, "google", { sub: uniqueSubject(), email, emailVerified: true }));
    expect(decodeJwt(squatterTokens.access_token).sub).toBe(accountId);
    // The squatter's password and sessions are gone; the owner is inside with a verified address.
    expect((await postCredentials("/auth/login", email)).status).toBe(401);
    const refreshed = await app.request(`${origin}/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: squatterTokens.refresh_token }),
    });
    expect(refreshed.status).toBe(401);
    const row = await withDb((db) =>
      db.selectFrom("auth.accounts").select(["password_hash", "email_verified_at"]).where("id", "=", accountId).executeTakeFirstOrThrow(),
    );
    expect(row.password_hash).toBeNull();
    expect(row.email_verified_at).not.toBeNull();
  });

  it("does not link on an unverified email", async () => {
    const email = uniqueEmail("unverified");
    const accountId = await passwordAccount(email);
    await expectProblem(await signInWith(app, "google", { sub: uniqueSubject(), email, emailVerified: false }), 409, "CONFLICT");
    expect(await identitiesOf(accountId)).toEqual([]);
  });

  it("refuses a forged state", async () => {
    const response = await signInWith(
      app,
      "google",
      { sub: uniqueSubject(), email: uniqueEmail(), emailVerified: true },
      {
        editCallback: (url) => url.searchParams.set("state", "forged-state-value-from-an-attacker"),
      },
    );
    await expectProblem(response, 400, "OAUTH_SIGN_IN_FAILED");
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-tunec-oauth-google=; Max-Age=0/);
  });

  it("refuses an ID token whose nonce is not this flow's", async () => {
    const response = await signInWith(
      app,
      "google",
      { sub: uniqueSubject(), email: uniqueEmail(), emailVerified: true },
      {
        editAuthorization: (url) => url.searchParams.set("nonce", "nonce-of-another-flow-000000000000"),
      },
    );
    await expectProblem(response, 400, "OAUTH_SIGN_IN_FAILED");
  });

  it("refuses a callback without the flow cookie (another browser)", async () => {
    const response = await signInWith(app, "google", { sub: uniqueSubject(), email: uniqueEmail(), emailVerified: true }, { withoutFlowCookie: true });
    await expectProblem(response, 400, "OAUTH_SIGN_IN_FAILED");
  });

  it("reports a user who declined", async () => {
    const response = await signInWith(app, "google", { sub: uniqueSubject() }, { decline: true });
    expect((await expectProblem(response, 400, "OAUTH_SIGN_IN_FAILED")).detail).toContain("access_denied");
  });
});

describe("sign-in with a provider from the web app (return_to)", () => {
  it("lists the enabled providers", async () => {
    expect(await (await app.request(`${origin}/auth/oauth/providers`)).json()).toEqual({ providers: ["google", "vk", "yandex"] });
  });

  it("ends in the app: the refresh token in its HttpOnly cookie, no token in the URL, and the cookie refreshes", async () => {
    const response = await signInWith(app, "google", { sub: uniqueSubject(), email: uniqueEmail("web"), emailVerified: true }, { returnTo: "/app/likes" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app/likes");
    const refresh = response.headers.getSetCookie().find((line) => line.startsWith("tunec_refresh="));
    expect(refresh).toMatch(/; Path=\/auth; .*HttpOnly; Secure; SameSite=Strict/);
    const value = refresh?.split(";")[0] ?? "";
    const refreshed = await app.request(`${origin}/auth/refresh`, {
      method: "POST",
      headers: { cookie: value, "x-token-transport": "cookie", "content-type": "application/json" },
      body: "{}",
    });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ access_token: expect.any(String) });
  });

  it("sends a failed sign-in back to the app's sign-in page with the reason, not to JSON", async () => {
    const response = await signInWith(app, "google", { sub: uniqueSubject() }, { decline: true, returnTo: "/app/" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "", origin);
    expect(location.pathname).toBe("/app/signin");
    expect(location.searchParams.get("oauth_error")).toContain("access_denied");
    expect(response.headers.getSetCookie().some((line) => line.startsWith("tunec_refresh="))).toBe(false);
  });

  it("refuses a return_to that leaves the app", async () => {
    for (const target of ["https://evil.example/app/", "//evil.example/app/", "/auth/logout", "/app/../admin", "/app/..", "/app/%2e%2e/admin", "/app\\evil"]) {
      expect((await app.request(`${origin}/auth/oauth/google/start?return_to=${encodeURIComponent(target)}`)).status, target).toBe(400);
    }
  });
});

describe("sign-in with VK ID and Yandex ID (OAuth 2.0 + their user-info APIs)", () => {
  it("VK ID: starts without a nonce, creates the account, then signs into it again", async () => {
    const start = await app.request(`${origin}/auth/oauth/vk/start`);
    const location = new URL(start.headers.get("location") ?? "");
    expect(location.searchParams.get("nonce")).toBeNull();
    expect(location.searchParams.get("scope")).toBe("vkid.personal_info email");

    const user = { sub: uniqueSubject(), email: uniqueEmail("vk"), name: "Ivan Ivanov" };
    // VK ID adds device_id to its callback; the adapter sends it back to the token endpoint.
    const withDevice = { editCallback: (url: URL) => url.searchParams.set("device_id", "device-1234") };
    const first = await userIdOf(await signInWith(app, "vk", user, withDevice));
    expect(await userIdOf(await signInWith(app, "vk", user, withDevice))).toBe(first);
    expect(await identitiesOf(first)).toEqual([{ provider: "vk", subject: user.sub, email: user.email, email_verified: false }]);
  });

  it("VK ID: never links by email, since VK does not confirm it", async () => {
    const email = uniqueEmail("vk-taken");
    await passwordAccount(email);
    // The test provider says "verified", VK's own shape cannot: the adapter ignores it.
    await expectProblem(await signInWith(app, "vk", { sub: uniqueSubject(), email, emailVerified: true }), 409, "CONFLICT");
  });

  it("Yandex ID: links a password account of the same Yandex mailbox", async () => {
    const email = `${uniqueEmail("ya").split("@")[0]}@yandex.ru`;
    const accountId = await passwordAccount(email);
    const user = { sub: uniqueSubject(), email, name: "Ivan Ivanov" };
    expect(await userIdOf(await signInWith(app, "yandex", user))).toBe(accountId);
    expect(await userIdOf(await signInWith(app, "yandex", user))).toBe(accountId);
    expect(await identitiesOf(accountId)).toEqual([{ provider: "yandex", subject: user.sub, email, email_verified: true }]);
  });

  it("refuses a provider user who shares no email", async () => {
    await expectProblem(await signInWith(app, "yandex", { sub: uniqueSubject() }), 400, "OAUTH_SIGN_IN_FAILED");
  });

  it("refuses a forged state for plain OAuth providers too", async () => {
    const response = await signInWith(
      app,
      "yandex",
      { sub: uniqueSubject(), email: "someone@yandex.ru" },
      {
        editCallback: (url) => url.searchParams.set("state", "x".repeat(43)),
      },
    );
    await expectProblem(response, 400, "OAUTH_SIGN_IN_FAILED");
  });
});

describe("providers without settings", () => {
  it("answer 404 problems through the Worker, which configures none in tests", async () => {
    await expectProblem(await SELF.fetch(`${origin}/auth/oauth/google/start`), 404, "NOT_FOUND");
    await expectProblem(await SELF.fetch(`${origin}/auth/oauth/vk/callback?code=x&state=y`), 404, "NOT_FOUND");
    await expectProblem(await app.request(`${origin}/auth/oauth/facebook/start`), 404, "NOT_FOUND");
  });

  it("are listed in the OpenAPI document", async () => {
    const document = await (await SELF.fetch(`${origin}/openapi.json`)).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/auth/oauth/{provider}/start", "/auth/oauth/{provider}/callback"]));
  });
});
