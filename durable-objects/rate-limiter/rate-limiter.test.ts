import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { durableRateLimiter, memoryRateLimiter } from "./client.ts";
import type { RatePolicy } from "./gcra.ts";
import type { RateLimiter } from "./rate-limiter.ts";

const perMinute = (limit: number): RatePolicy => ({ name: "api", limit, periodSeconds: 60 });

function limiter(name = crypto.randomUUID()) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}

describe("RateLimiter Durable Object", () => {
  it("allows exactly the limit when 100 calls arrive at once", async () => {
    const stub = limiter();
    const decisions = await Promise.all(Array.from({ length: 100 }, () => stub.take(perMinute(20))));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    const remaining = decisions
      .filter((d) => d.allowed)
      .map((d) => d.remaining)
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const refused of decisions.filter((d) => !d.allowed)) expect(refused.retryAfterSeconds).toBe(3);
  });

  it("keeps separate buckets per policy name in one object", async () => {
    const stub = limiter();
    await stub.take({ name: "login-ip", limit: 1, periodSeconds: 60 });
    expect((await stub.take({ name: "login-ip", limit: 1, periodSeconds: 60 })).allowed).toBe(false);
    expect((await stub.take({ name: "anonymous", limit: 1, periodSeconds: 60 })).allowed).toBe(true);
  });

  it("refills over time", async () => {
    const stub = limiter();
    const start = Date.now();
    await stub.take(perMinute(2), 1, start);
    await stub.take(perMinute(2), 1, start);
    expect(await stub.take(perMinute(2), 1, start + 29_000)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(await stub.take(perMinute(2), 1, start + 30_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("persists its buckets: a fresh instance still refuses", async () => {
    const name = crypto.randomUUID();
    const stub = limiter(name);
    for (let i = 0; i < 3; i++) await stub.take(perMinute(3));
    const stored = await runInDurableObject(stub, async (_instance: RateLimiter, state) => state.storage.list({ prefix: "tat:" }));
    expect([...stored.keys()]).toEqual(["tat:api"]);
    // Eviction drops the in-memory buckets; the next instance loads them in blockConcurrencyWhile.
    await evictDurableObject(stub);
    const reloaded = await limiter(name).take(perMinute(3));
    expect(reloaded.allowed).toBe(false);
  });

  it("writes a busy bucket lazily: the stored TAT lags memory by at most 5% of the period", async () => {
    const stub = limiter();
    const policy: RatePolicy = { name: "user", limit: 600, periodSeconds: 60 };
    const now = Date.now();
    for (let i = 0; i < 100; i++) await stub.take(policy, 1, now);
    const [memory, stored] = await runInDurableObject(stub, async (instance: RateLimiter, state) => {
      const decision = instance.take(policy, 1, now);
      return [now + (60 - decision.remaining / 10) * 1000, (await state.storage.get<number>("tat:user")) ?? 0];
    });
    // 101 calls of 100 ms each: memory is 10.1 s ahead of now, storage within 3 s of that.
    expect(memory - now).toBeCloseTo(10_100, -2);
    expect(stored).toBeGreaterThanOrEqual(memory - 3_000);
    expect(stored).toBeLessThan(memory); // not written on every call
  });

  it("cleans refilled buckets up in its alarm", async () => {
    const stub = limiter();
    const longAgo = Date.now() - 3_600_000;
    await stub.take(perMinute(5), 1, longAgo);
    await stub.take({ name: "live", limit: 5, periodSeconds: 3600 });
    // The alarm was set in the past, so it may already have run; otherwise run it now.
    await runDurableObjectAlarm(stub);
    const keys = await runInDurableObject(stub, async (_instance: RateLimiter, state) => [...(await state.storage.list()).keys()]);
    expect(keys).toEqual(["tat:live"]);
    const alarm = await runInDurableObject(stub, async (_instance: RateLimiter, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
  });

  it("deletes everything once every bucket has refilled", async () => {
    const stub = limiter();
    await stub.take(perMinute(5), 1, Date.now() - 3_600_000);
    // The alarm was set in the past, so workerd may be running it on its own while the test
    // asks for it (then runDurableObjectAlarm finds none pending): wait for that run too.
    const storedKeys = () => runInDurableObject(stub, async (_instance: RateLimiter, state) => [...(await state.storage.list()).keys()]);
    let keys = await storedKeys();
    for (let attempt = 0; attempt < 40 && keys.length > 0; attempt++) {
      await runDurableObjectAlarm(stub);
      await new Promise((resolve) => setTimeout(resolve, 50));
      keys = await storedKeys();
    }
    expect(keys).toEqual([]);
  });

  it("refuses a malformed charge in both adapters", async () => {
    for (const port of [durableRateLimiter(env.RATE_LIMITER), memoryRateLimiter()]) {
      await expect(port.take("k", { name: "api", limit: 0, periodSeconds: 60 })).rejects.toThrow(/invalid rate-limit charge/);
      await expect(port.take("k", perMinute(5), 0)).rejects.toThrow(/invalid rate-limit charge/);
      await expect(port.take("k", { name: "Bad Name", limit: 1, periodSeconds: 60 })).rejects.toThrow(/invalid rate-limit charge/);
    }
  });

  it("gives the same decisions through the Durable Object and the in-memory adapter", async () => {
    const durable = durableRateLimiter(env.RATE_LIMITER);
    const memory = memoryRateLimiter();
    const key = `ip:${crypto.randomUUID()}`;
    const policy = perMinute(4);
    const run = async (port: typeof durable) => Promise.all(Array.from({ length: 6 }, () => port.take(key, policy)));
    const strip = (ds: Awaited<ReturnType<typeof run>>) => ds.map(({ allowed, remaining }) => ({ allowed, remaining }));
    expect(strip(await run(durable))).toEqual(strip(await run(memory)));
  });
});
