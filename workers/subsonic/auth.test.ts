import { beforeAll, describe, expect, it } from "vitest";
import { md5Hex } from "./md5.ts";
import { bearer, signUpListener, viaSelf } from "../playback/testing.ts";
import { strongPassword } from "../auth/testing.ts";
import { appPassword, call, createCredential, listenerWithKey, ok, rest, type SubsonicListener } from "./testing.ts";

describe("Subsonic credentials and authentication in workerd", () => {
  let listener: SubsonicListener;
  beforeAll(async () => {
    listener = await listenerWithKey();
  });

  it("shows an API key once, lists it without the secret, and revokes it", async () => {
    const created = await createCredential(listener, "api-keys", "Feishin");
    expect(created.status).toBe(201);
    const key = await created.json<{ id: string; name: string; key: string }>();
    expect(key).toMatchObject({ name: "Feishin", key: expect.stringMatching(/^tunec_[A-Za-z0-9_-]{43}$/) });
    expect((await ok({ ...listener, apiKey: key.key }, "ping")).status).toBe("ok");

    const listed = await (await viaSelf("/me/api-keys", { headers: bearer(listener.token) })).json<{ api_keys: Array<Record<string, unknown>> }>();
    const entry = listed.api_keys.find((item) => item.id === key.id);
    expect(entry).toMatchObject({ id: key.id, name: "Feishin", created_at: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect(entry).not.toHaveProperty("key");

    expect((await viaSelf(`/me/api-keys/${key.id}`, { method: "DELETE", headers: bearer(listener.token) })).status).toBe(204);
    expect((await viaSelf(`/me/api-keys/${key.id}`, { method: "DELETE", headers: bearer(listener.token) })).status).toBe(404);
    const revoked = await call({ ...listener, apiKey: key.key }, "getStarred2");
    expect(revoked).toMatchObject({ status: "failed", error: { code: 44 } });
    expect(revoked).not.toHaveProperty("starred2");
  });

  it("stores only the SHA-256 of a key", async () => {
    const { withDb } = await import("./testing.ts");
    const rows = await withDb((db) => db.selectFrom("subsonic.api_keys").select(["key_hash"]).where("user_id", "=", listener.userId).execute());
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(listener.apiKey)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(rows.map((row) => row.key_hash)).toContain(digest);
    expect(JSON.stringify(rows)).not.toContain(listener.apiKey);
  });

  it("answers a wrong key 44 and conflicting mechanisms 43, never data", async () => {
    const wrong = await call(undefined, "getArtists", { apiKey: "tunec_not-a-real-key" });
    expect(wrong).toMatchObject({ status: "failed", error: { code: 44 } });
    expect(wrong).not.toHaveProperty("artists");
    expect(await call(undefined, "ping", { apiKey: listener.apiKey, u: listener.email })).toMatchObject({ status: "failed", error: { code: 43 } });
    expect(await call(undefined, "ping", { apiKey: listener.apiKey, p: "x" })).toMatchObject({ status: "failed", error: { code: 43 } });
    expect(await call(undefined, "ping", {})).toMatchObject({ status: "failed", error: { code: 10 } });
    // Another user's key is not a valid key of nobody: only its holder is authenticated.
    expect(await call(undefined, "ping", { apiKey: `${listener.apiKey}x` })).toMatchObject({ status: "failed", error: { code: 44 } });
  });

  it("accepts an app password as u + t + s and as p (plain and enc:), and refuses a wrong one with 40", async () => {
    const { password, id } = await appPassword(listener);
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const salt = "c19b2d";
    const good = { u: listener.email, t: md5Hex(password + salt), s: salt, f: "json" };
    expect((await (await rest("ping", good)).json<{ "subsonic-response": { status: string } }>())["subsonic-response"].status).toBe("ok");
    expect(await call(undefined, "ping", { u: listener.email.toUpperCase(), p: password })).toMatchObject({ status: "ok" });
    const hex = [...new TextEncoder().encode(password)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await call(undefined, "ping", { u: listener.email, p: `enc:${hex}` })).toMatchObject({ status: "ok" });

    expect(await call(undefined, "ping", { u: listener.email, t: md5Hex(`wrong${salt}`), s: salt })).toMatchObject({ status: "failed", error: { code: 40 } });
    expect(await call(undefined, "ping", { u: listener.email, p: "wrong" })).toMatchObject({ status: "failed", error: { code: 40 } });
    expect(await call(undefined, "ping", { u: "nobody@example.com", p: password })).toMatchObject({ status: "failed", error: { code: 40 } });
    expect(await call(undefined, "ping", { u: listener.email, t: md5Hex(password + salt), s: salt, p: password })).toMatchObject({
      status: "failed",
      error: { code: 43 },
    });
    // The account password is not an app password.
    expect(await call(undefined, "ping", { u: listener.email, p: strongPassword })).toMatchObject({ status: "failed", error: { code: 40 } });

    expect((await viaSelf(`/me/app-passwords/${id}`, { method: "DELETE", headers: bearer(listener.token) })).status).toBe(204);
    expect(await call(undefined, "getStarred2", { u: listener.email, p: password })).toMatchObject({ status: "failed", error: { code: 40 } });
  });

  it("accepts requests shaped like the subsonic-api client's: base64 salt, a JSON content type on GET, or a form POST", async () => {
    const { password } = await appPassword(listener, "subsonic-api");
    const salt = "q+/Zx9w1Ab3kLm0PqRsT7g==";
    const params = new URLSearchParams({ v: "1.16.1", c: "subsonic-api", f: "json", u: listener.email, t: md5Hex(password + salt), s: salt });
    const get = await viaSelf(`/rest/ping.view?${params}`, { headers: { "content-type": "application/json" } });
    expect(await get.json()).toMatchObject({ "subsonic-response": { status: "ok" } });
    const post = await viaSelf("/rest/ping.view", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: params.toString(),
    });
    expect(await post.json()).toMatchObject({ "subsonic-response": { status: "ok" } });
  });

  it("never lets an app password sign in at /auth/login", async () => {
    const { password } = await appPassword(listener, "login attempt");
    const response = await viaSelf("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: listener.email, password }),
    });
    expect(response.status).toBe(401);
  });

  it("stores app passwords encrypted, never in the clear", async () => {
    const { password, id } = await appPassword(listener, "encrypted");
    const { withDb } = await import("./testing.ts");
    const row = await withDb((db) => db.selectFrom("subsonic.app_passwords").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
    expect(JSON.stringify(row)).not.toContain(password);
    expect(JSON.stringify(row)).not.toContain(password.replaceAll("-", ""));
  });

  it("needs a bearer token for the credential routes and validates names", async () => {
    expect((await viaSelf("/me/api-keys")).status).toBe(401);
    expect((await viaSelf("/me/api-keys", { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"x"}' })).status).toBe(401);
    expect((await createCredential(listener, "api-keys", "")).status).toBe(400);
    expect((await createCredential(listener, "app-passwords", "x".repeat(101))).status).toBe(400);
    const other = await signUpListener(viaSelf, false);
    const keys = await (await viaSelf("/me/api-keys", { headers: bearer(listener.token) })).json<{ api_keys: Array<{ id: string }> }>();
    const first = keys.api_keys[0];
    if (!first) throw new Error("no key listed");
    // Someone else's key id is not found for the caller, and stays usable by its owner.
    expect((await viaSelf(`/me/api-keys/${first.id}`, { method: "DELETE", headers: bearer(other.token) })).status).toBe(404);
    expect((await ok(listener, "ping")).status).toBe("ok");
  });
});
