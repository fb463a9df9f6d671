import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { cacheContract } from "./cache.contract.ts";
import { failOpen } from "./fail-open.ts";
import { startUpstashRestServer } from "./testing/upstash-rest-server.ts";
import { testRedisUrl } from "./testing/redis.ts";
import { createUpstashCache } from "./upstash-cache.ts";

const url = await testRedisUrl();

// Through a local server speaking the Upstash REST protocol over the real Redis (see testing/upstash-rest-server.ts).
if (url) {
  cacheContract("Upstash Redis over REST (fetch)", async () => {
    const server = await startUpstashRestServer(url);
    return { cache: createUpstashCache({ url: server.url, token: server.token }), stop: () => server.stop() };
  });

  describe("Upstash adapter errors", () => {
    it("fails a request with a wrong token, and failOpen turns it into a miss", async () => {
      const server = await startUpstashRestServer(url);
      try {
        const cache = createUpstashCache({ url: server.url, token: "wrong" });
        await expect(cache.get("k")).rejects.toThrow(/upstash request failed/);
        expect(await failOpen(cache, createLogger({ test: "cache" }, "error")).get("k")).toBeNull();
      } finally {
        await server.stop();
      }
    });
  });
}

describe("an unreachable Upstash endpoint", () => {
  it("is a fast miss behind failOpen", async () => {
    const cache = failOpen(createUpstashCache({ url: "http://127.0.0.1:1", token: "t", timeoutMs: 200 }), createLogger({ test: "cache" }, "error"));
    const started = performance.now();
    expect(await cache.get("k")).toBeNull();
    await cache.set("k", "v", 10);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
