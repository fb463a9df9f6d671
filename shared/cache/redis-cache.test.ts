import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { cacheContract } from "./cache.contract.ts";
import { failOpen } from "./fail-open.ts";
import { createRedisCache } from "./redis-cache.ts";
import { testRedisUrl } from "./testing/redis.ts";

const url = await testRedisUrl();

if (url) cacheContract("Redis over TCP (ioredis)", async () => ({ cache: createRedisCache({ url }) }));

describe("a dead Redis", () => {
  // Port 1 refuses connections: the cache must answer misses quickly, not hang.
  it("is a fast miss behind failOpen, and writes are dropped", async () => {
    const cache = failOpen(createRedisCache({ url: "redis://127.0.0.1:1" }), createLogger({ test: "cache" }, "error"));
    const started = performance.now();
    expect(await cache.get("k")).toBeNull();
    await cache.set("k", "v", 10);
    await cache.delete("k");
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(cache.increment("k")).rejects.toThrow();
    await cache.close();
  });
});
