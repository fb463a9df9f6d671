import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../gateway/index.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { createCredential, listenerWithKey, query, type Params, type SubsonicListener } from "./testing.ts";

/** The Worker with its own limits (a new bindings object builds a new app), from one client address. */
async function restWith(limits: Record<string, string>, address: string, method: string, params: Params): Promise<Response> {
  const bindings = { ...(env as unknown as WorkerBindings), ...limits };
  const ctx = createExecutionContext();
  const request = new Request(`https://tunec.test/rest/${method}?${query({ f: "json", ...params })}`, { headers: { "x-forwarded-for": address } });
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function randomAddress(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

async function envelope(response: Response): Promise<{ status: string; error?: { code: number; message?: string } }> {
  return ((await response.json()) as { "subsonic-response": { status: string; error?: { code: number; message?: string } } })["subsonic-response"];
}

describe("Subsonic rate limits in workerd", () => {
  let listener: SubsonicListener;
  beforeAll(async () => {
    listener = await listenerWithKey(false);
  });

  it("limits each device credential on its own, answering 429 with Retry-After and an error envelope", async () => {
    const limits = { SUBSONIC_RATE_LIMIT: "3/1m", SUBSONIC_RATE_LIMIT_IP: "1000/1m" };
    const address = randomAddress();
    const second = await createCredential(listener, "api-keys", "second player").then((response) => response.json<{ key: string }>());
    for (let i = 0; i < 3; i++) {
      const allowed = await restWith(limits, address, "ping", { apiKey: listener.apiKey });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("ratelimit")).toBe(`"subsonic";r=${2 - i};t=${(i + 1) * 20}`);
      expect((await envelope(allowed)).status).toBe("ok");
    }
    const refused = await restWith(limits, address, "getArtists", { apiKey: listener.apiKey });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await envelope(refused)).toMatchObject({ status: "failed", error: { code: 0, message: expect.stringContaining("Too many requests") } });
    // The same listener's other device, from the same address, has its own bucket.
    expect((await restWith(limits, address, "ping", { apiKey: second.key })).status).toBe(200);
  });

  it("limits unauthenticated calls per address, generously, before checking credentials", async () => {
    const limits = { SUBSONIC_RATE_LIMIT: "1000/1m", SUBSONIC_RATE_LIMIT_IP: "2/1m" };
    const address = randomAddress();
    for (let i = 0; i < 2; i++)
      expect(await envelope(await restWith(limits, address, "ping", { apiKey: "tunec_wrong" }))).toMatchObject({ error: { code: 44 } });
    expect((await restWith(limits, address, "ping", { apiKey: "tunec_wrong" })).status).toBe(429);
    expect((await restWith(limits, randomAddress(), "ping", { apiKey: listener.apiKey })).status).toBe(200);
  });

  it("is not charged to the gateway's per-address anonymous bucket", async () => {
    const limits = { RATE_LIMIT_ANONYMOUS: "2/1m", SUBSONIC_RATE_LIMIT: "1000/1m", SUBSONIC_RATE_LIMIT_IP: "1000/1m" };
    const address = randomAddress();
    // A credential of its own: the first test left the listener's main key's bucket full.
    const own = await createCredential(listener, "api-keys", "bucket-free player").then((response) => response.json<{ key: string }>());
    for (let i = 0; i < 5; i++) expect((await restWith(limits, address, "ping", { apiKey: own.key })).status).toBe(200);
  });
});
