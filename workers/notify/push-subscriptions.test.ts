import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OpenAPIHono } from "@hono/zod-openapi";
import { signUp } from "../auth/testing.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerNotify } from "./index.ts";

const b64u = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** What a browser's `PushSubscription.toJSON()` looks like, with real key material. */
async function browserSubscription(endpoint = `https://push.example.net/send/${crypto.randomUUID()}`) {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const p256dh = b64u((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { endpoint, expirationTime: null, keys: { p256dh, auth: b64u(crypto.getRandomValues(new Uint8Array(16))) } };
}

function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Firefox/140 test" };
  if (token) headers.authorization = `Bearer ${token}`;
  return SELF.fetch(`https://tunec.test${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

interface View {
  id: string;
  endpoint: string;
  user_agent: string | null;
}
const list = async (token: string) => (await (await call("GET", "/me/push-subscriptions", token)).json<{ subscriptions: View[] }>()).subscriptions;

describe("Web Push subscriptions at the edge", () => {
  it("registers a browser (201), updates it when sent again (200), lists it, and forgets it on DELETE (204, idempotent)", async () => {
    const listener = await signUp();
    const subscription = await browserSubscription();
    const first = await call("POST", "/me/push-subscriptions", listener.access_token, subscription);
    expect(first.status).toBe(201);
    const created = await first.json<View>();
    expect(created).toMatchObject({ endpoint: subscription.endpoint, user_agent: "Firefox/140 test" });
    const again = await call("POST", "/me/push-subscriptions", listener.access_token, {
      ...subscription,
      keys: { ...subscription.keys, auth: b64u(crypto.getRandomValues(new Uint8Array(16))) },
    });
    expect(again.status).toBe(200);
    expect((await again.json<View>()).id).toBe(created.id);
    expect((await list(listener.access_token)).map((s) => s.endpoint)).toEqual([subscription.endpoint]);

    // The browser's own toJSON() works as a DELETE body too.
    expect((await call("DELETE", "/me/push-subscriptions", listener.access_token, subscription)).status).toBe(204);
    expect(await list(listener.access_token)).toEqual([]);
    expect((await call("DELETE", "/me/push-subscriptions", listener.access_token, { endpoint: subscription.endpoint })).status).toBe(204);
  });

  it("moves an endpoint to the account that registers it last (one browser, one signed-in user)", async () => {
    const [first, second] = [await signUp(), await signUp()];
    const subscription = await browserSubscription();
    expect((await call("POST", "/me/push-subscriptions", first.access_token, subscription)).status).toBe(201);
    expect((await call("POST", "/me/push-subscriptions", second.access_token, subscription)).status).toBe(200);
    expect(await list(first.access_token)).toEqual([]);
    expect((await list(second.access_token)).map((s) => s.endpoint)).toEqual([subscription.endpoint]);
    // Someone else's DELETE does not touch it.
    expect((await call("DELETE", "/me/push-subscriptions", first.access_token, { endpoint: subscription.endpoint })).status).toBe(204);
    expect(await list(second.access_token)).toHaveLength(1);
  });

  it("refuses what is not a push subscription with 400 naming the field, and anonymous callers with 401", async () => {
    const listener = await signUp();
    const good = await browserSubscription();
    const cases: Array<[unknown, string]> = [
      [{ ...good, endpoint: "http://push.example.net/send/1" }, "body.endpoint"],
      [{ ...good, endpoint: "https://10.0.0.8/internal" }, "body.endpoint"],
      [{ ...good, endpoint: "not a url" }, "body.endpoint"],
      [{ ...good, keys: { ...good.keys, p256dh: "AAAA" } }, "body.keys.p256dh"],
      [{ ...good, keys: { ...good.keys, auth: "short" } }, "body.keys.auth"],
      [{ endpoint: good.endpoint }, "body.keys"],
    ];
    for (const [body, field] of cases) {
      const response = await call("POST", "/me/push-subscriptions", listener.access_token, body);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = await response.json<{ code: string; errors: Array<{ field: string }> }>();
      expect(problem.code).toBe("VALIDATION_FAILED");
      expect(problem.errors.map((error) => error.field)).toContain(field);
    }
    expect((await call("POST", "/me/push-subscriptions", undefined, good)).status).toBe(401);
    expect((await call("GET", "/me/push-subscriptions", undefined)).status).toBe(401);
  });

  it("accepts a loopback http endpoint outside production (local push services in development)", async () => {
    const listener = await signUp();
    const response = await call("POST", "/me/push-subscriptions", listener.access_token, await browserSubscription("http://127.0.0.1:8099/push/dev"));
    expect(response.status).toBe(201);
  });

  it("answers 503 for the VAPID key where none is configured, and documents every route", async () => {
    const key = await SELF.fetch("https://tunec.test/push/vapid-public-key");
    expect(key.status).toBe(503);
    expect(await key.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    // The context's routes on their own app, so this checks our schemas whatever other contexts register.
    const app = new OpenAPIHono<GatewayEnv>();
    registerNotify(app);
    app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "notify", version: "1" } });
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    const document = await response.json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(document.paths["/me/push-subscriptions"] ?? {}).sort()).toEqual(["delete", "get", "post"]);
    expect(document.paths["/push/vapid-public-key"]).toHaveProperty("get");
  });
});
