import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { durableRateLimiter } from "../../../durable-objects/rate-limiter/client.ts";
import { parseConfig, rateLimitConfigSchema } from "../../../shared/config.ts";
import { createLogger } from "../../../shared/logger.ts";
import { signAccessToken } from "../../auth/access-token.ts";
import { strongPassword, uniqueEmail } from "../../auth/testing.ts";
import { createWorkerAuth } from "../../auth/worker-services.ts";
import { createEdgeDatabase } from "../../platform/edge-database.ts";
import { createGatewayApp } from "../app.ts";

// Apps with the production default limits (unless a test overrides one),
// counted by the real RateLimiter Durable Object. Every test uses fresh client
// addresses, because the objects outlive a test.
function gateway(limits: Record<string, string> = {}) {
  const auth = createWorkerAuth(env, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
    rateLimit: {
      limiter: durableRateLimiter(env.RATE_LIMITER),
      config: parseConfig(rateLimitConfigSchema, limits),
      trustProxyHeaders: false,
      exempt: ["/ping"],
    },
  });
  const call = (path: string, ip: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { "cf-connecting-ip": ip, ...(init.headers as Record<string, string>) } });
  const login = (ip: string, email: string, password: string) =>
    call("/auth/login", ip, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  return { app, auth, call, login };
}

const octet = () => Math.floor(Math.random() * 254) + 1;
const freshIp = () => `10.${octet()}.${octet()}.${octet()}`;

describe("rate limits at the gateway", () => {
  it("describes the bucket on every allowed answer (draft-ietf-httpapi-ratelimit-headers)", async () => {
    const response = await gateway().call("/me", freshIp());
    expect(response.status).toBe(401);
    expect(response.headers.get("ratelimit-policy")).toBe('"anonymous";q=120;w=60');
    expect(response.headers.get("ratelimit")).toBe('"anonymous";r=119;t=1');
  });

  it("answers 429 problem+json with Retry-After once a bucket is empty", async () => {
    const { call } = gateway({ RATE_LIMIT_ANONYMOUS: "3/1m" });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await call("/nowhere", ip)).status).toBe(404);
    const limited = await call("/nowhere", ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(limited.headers.get("retry-after")).toBe("20");
    expect(limited.headers.get("ratelimit-policy")).toBe('"anonymous";q=3;w=60');
    expect(limited.headers.get("ratelimit")).toBe('"anonymous";r=0;t=60');
    expect(await limited.json()).toMatchObject({ code: "RATE_LIMITED", status: 429, type: "https://tunec.dev/problems/rate-limited" });
    expect((await call("/nowhere", freshIp())).status).toBe(404);
  });

  it("lets exactly the limit through when 50 requests arrive at once", async () => {
    const { call } = gateway({ RATE_LIMIT_ANONYMOUS: "20/1m" });
    const ip = freshIp();
    const statuses = await Promise.all(Array.from({ length: 50 }, async () => (await call("/me", ip)).status));
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
  });

  it("refuses the 11th of 20 rapid wrong passwords, before checking the password", async () => {
    const { call, login } = gateway();
    const ip = freshIp();
    const email = uniqueEmail("brute");
    const registered = await call("/auth/register", ip, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: strongPassword }),
    });
    expect(registered.status).toBe(202);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await login(ip, email, `wrong password ${i}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(10).fill(429)]);
    const limited = await login(ip, email, strongPassword);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("ratelimit-policy")).toBe('"login-ip";q=10;w=60, "login-email";q=10;w=900, "login-email-any";q=100;w=900');
    expect(limited.headers.get("ratelimit")).toMatch(/^"login-ip";r=0;t=\d+, "login-email";r=0;t=\d+, "login-email-any";r=79;t=\d+$/);
    // Both buckets are empty; the answer names the longer wait: one email unit refills in 900 s / 10,
    // counted from the first guess a moment ago.
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(80);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(90);
  });

  it("does not let a stranger's wrong passwords lock the owner out", async () => {
    const { call, login } = gateway();
    const email = uniqueEmail("owner");
    await call("/auth/register", freshIp(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: strongPassword }),
    });
    const stranger = freshIp();
    for (let i = 0; i < 10; i++) expect((await login(stranger, email, `guess ${i}`)).status).toBe(401);
    expect((await login(stranger, email, "one more guess")).status).toBe(429);
    // The owner, from their own address, signs in as usual.
    expect((await login(freshIp(), email, strongPassword)).status).toBe(200);
  });

  it("fails closed on the credential routes when the limiter is unreachable, open elsewhere", async () => {
    const broken = {
      take: async () => {
        throw new Error("rate limiter unreachable");
      },
    };
    const app = createGatewayApp({
      logLevel: "error",
      services: () => {
        const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
        return { services: { db, auth: createWorkerAuth(env, createLogger({ service: "test" }, "error")) }, release: () => db.destroy() };
      },
      rateLimit: { limiter: broken, config: parseConfig(rateLimitConfigSchema, {}), trustProxyHeaders: false },
    });
    const refused = await app.request("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
      body: JSON.stringify({ email: uniqueEmail(), password: strongPassword }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect((await app.request("/tracks", { headers: { "cf-connecting-ip": freshIp() } })).status).toBe(200);
  });

  it("gives payment provider callbacks their own per-address bucket", async () => {
    const { call } = gateway({ RATE_LIMIT_CALLBACKS: "2/1m", RATE_LIMIT_ANONYMOUS: "100/1m" });
    const ip = freshIp();
    const post = () => call("/billing/callbacks/tbank", ip, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const first = await post();
    expect(first.headers.get("ratelimit-policy")).toBe('"callbacks";q=2;w=60');
    await post();
    expect((await post()).status).toBe(429);
    // The same address's other calls are counted apart.
    expect((await call("/tracks", ip)).status).toBe(200);
  });

  it("limits guesses at one email from many addresses", async () => {
    const { login } = gateway({ RATE_LIMIT_LOGIN_EMAIL_ANY: "10/15m" });
    const email = uniqueEmail("spread");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(freshIp(), email, "not the password")).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another account from the same kind of traffic is unaffected.
    expect((await login(freshIp(), uniqueEmail("other"), "not the password")).status).toBe(401);
  });

  it("lets the owner's known device in after strangers emptied the per-email bucket, and only for that email", async () => {
    const { call, login } = gateway({ RATE_LIMIT_LOGIN_EMAIL_ANY: "10/15m" });
    const email = uniqueEmail("known-device");
    await call("/auth/register", freshIp(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: strongPassword }),
    });
    const first = await login(freshIp(), email, strongPassword);
    expect(first.status).toBe(200);
    const { device_token: deviceToken } = await first.json<{ device_token: string }>();
    for (let i = 0; i < 10; i++) await login(freshIp(), email, "a spread guess");
    expect((await login(freshIp(), email, strongPassword)).status).toBe(429);

    const fromDevice = (token: string, target = email) =>
      call("/auth/login", freshIp(), {
        method: "POST",
        headers: { "content-type": "application/json", "x-device-token": token },
        body: JSON.stringify({ email: target, password: strongPassword }),
      });
    expect((await fromDevice(deviceToken)).status).toBe(200);
    expect((await fromDevice(`${deviceToken.slice(0, -4)}AAAA`)).status).toBe(429);
    // The marker of one email is nothing for another: its bucket stays the shared one.
    const other = uniqueEmail("other");
    for (let i = 0; i < 10; i++) await login(freshIp(), other, "a spread guess");
    expect((await fromDevice(deviceToken, other)).status).toBe(429);
  }, 60_000);

  it("charges register and refresh to their own per-IP buckets", async () => {
    const { call } = gateway({ RATE_LIMIT_REGISTER: "1/1h", RATE_LIMIT_REFRESH: "1/1m" });
    const ip = freshIp();
    const post = (path: string, body: unknown) =>
      call(path, ip, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/auth/register", { email: uniqueEmail(), password: strongPassword })).status).toBe(202);
    const again = await post("/auth/register", { email: uniqueEmail(), password: strongPassword });
    expect(again.status).toBe(429);
    expect(again.headers.get("retry-after")).toBe("3600");
    expect((await post("/auth/refresh", { refresh_token: "not-a-token" })).status).toBe(401);
    expect((await post("/auth/refresh", { refresh_token: "not-a-token" })).status).toBe(429);
    expect((await call("/me", ip)).headers.get("ratelimit-policy")).toBe('"anonymous";q=120;w=60');
  });

  it("counts a signed-in caller per user, wherever the requests come from", async () => {
    const { auth, call } = gateway({ RATE_LIMIT_USER: "2/1m" });
    const tokenFor = async (userId: string) =>
      (
        await signAccessToken(await auth.keys(), auth.tokens, {
          userId,
          roles: ["listener"],
          isPremium: false,
          sessionId: crypto.randomUUID(),
        })
      ).token;
    const alice = { authorization: `Bearer ${await tokenFor(crypto.randomUUID())}` };
    const bob = { authorization: `Bearer ${await tokenFor(crypto.randomUUID())}` };
    const ip = freshIp();
    const first = await call("/me", ip, { headers: alice });
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe('"user";q=2;w=60');
    expect((await call("/me", freshIp(), { headers: alice })).status).toBe(200);
    expect((await call("/me", freshIp(), { headers: alice })).status).toBe(429);
    expect((await call("/me", ip, { headers: bob })).status).toBe(200);
    // The address itself still has its anonymous allowance.
    expect((await call("/me", ip)).headers.get("ratelimit")).toBe('"anonymous";r=119;t=1');
  });

  it("never limits the liveness probe", async () => {
    const { call } = gateway({ RATE_LIMIT_ANONYMOUS: "1/1h" });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const response = await call("/ping", ip);
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit")).toBeNull();
    }
  });

  it("is wired into the Worker entry with the RATE_LIMITER binding", async () => {
    const response = await SELF.fetch("https://tunec.test/healthz", { headers: { "cf-connecting-ip": freshIp() } });
    expect(response.status).toBe(200);
    // vitest.config.ts gives the Worker under test loose limits.
    expect(response.headers.get("ratelimit-policy")).toBe('"anonymous";q=1000000;w=3600');
    expect(response.headers.get("ratelimit")).toBe('"anonymous";r=999999;t=1');
  });
});
