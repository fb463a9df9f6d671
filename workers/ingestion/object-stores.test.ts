import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createHttpObjectStore } from "../../shared/storage/http-object-store.ts";
import { objectStoreContract } from "../../shared/storage/object-store.contract.ts";
import { createR2ObjectStore } from "../../shared/storage/r2-object-store.ts";
import { appWith } from "./testing.ts";

const token = "internal-token-for-tests-0123456789abcdef";

objectStoreContract("R2 binding (miniflare)", async () => ({ store: createR2ObjectStore(env.MEDIA) }));

objectStoreContract("the edge's internal object endpoint", async () => {
  const app = appWith({ STORAGE_INTERNAL_TOKEN: token });
  return { store: createHttpObjectStore({ baseUrl: "https://tunec.test", token, fetch: (url, init) => app.request(String(url), init) }) };
});

describe("internal object endpoint", () => {
  it("refuses a missing or wrong token, and does not exist without one configured", async () => {
    const app = appWith({ STORAGE_INTERNAL_TOKEN: token });
    await env.MEDIA.put("internal/secret.txt", "top secret");
    expect((await app.request("/internal/objects/internal/secret.txt")).status).toBe(403);
    const wrong = await app.request("/internal/objects/internal/secret.txt", { headers: { authorization: `Bearer ${token.replace("0", "1")}` } });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain("top secret");
    const right = await app.request("/internal/objects/internal/secret.txt", { headers: { authorization: `Bearer ${token}` } });
    expect(await right.text()).toBe("top secret");
    const off = appWith({});
    expect((await off.request("/internal/objects/internal/secret.txt", { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});
