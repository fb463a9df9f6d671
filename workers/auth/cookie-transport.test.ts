import { describe, expect, it } from "vitest";
import { postJson, signUp, strongPassword } from "./testing.ts";

const cookieHeaders = { "x-token-transport": "cookie" };

function refreshCookieOf(response: Response): string | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith("tunec_refresh="));
  return header;
}

describe("the browser's refresh cookie (X-Token-Transport: cookie)", () => {
  it("keeps the refresh token out of the body, in an HttpOnly Secure SameSite=Strict cookie scoped to /auth, and rotates it", async () => {
    const { email } = await signUp();
    const login = await postJson("/auth/login", { email, password: strongPassword }, cookieHeaders);
    expect(login.status).toBe(200);
    const body = await login.json<Record<string, unknown>>();
    expect(body).not.toHaveProperty("refresh_token");
    expect(body.access_token).toEqual(expect.any(String));
    const cookie = refreshCookieOf(login) ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/auth/);
    const pair = cookie.split(";")[0] ?? "";

    // The cookie alone is not enough: without the custom header (a cross-site form cannot send one) it is ignored.
    expect((await postJson("/auth/refresh", {}, { cookie: pair })).status).toBe(400);
    const refreshed = await postJson("/auth/refresh", {}, { ...cookieHeaders, cookie: pair });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).not.toHaveProperty("refresh_token");
    const next = (refreshCookieOf(refreshed) ?? "").split(";")[0] ?? "";
    expect(next).not.toBe(pair);

    const logout = await postJson("/auth/logout", {}, { ...cookieHeaders, cookie: next });
    expect(logout.status).toBe(204);
    expect(refreshCookieOf(logout)).toMatch(/Max-Age=0/);
    const dead = await postJson("/auth/refresh", {}, { ...cookieHeaders, cookie: next });
    expect(dead.status).toBe(401);
    expect(refreshCookieOf(dead)).toMatch(/Max-Age=0/);
  });
});
