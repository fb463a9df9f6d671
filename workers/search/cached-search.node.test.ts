import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../shared/cache/cache.ts";
import { failOpen } from "../../shared/cache/fail-open.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../../shared/cache/search-keys.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import { createLogger } from "../../shared/logger.ts";
import { cachedPage, fingerprint } from "./cached-search.ts";

const url = await testRedisUrl();
const logger = createLogger({ test: "cached-search" }, "error");

describe.runIf(url)("cached search pages on real Redis", () => {
  let cache: Cache;
  beforeAll(() => {
    cache = failOpen(createRedisCache({ url: url ?? "" }), logger);
  });
  afterAll(async () => {
    await cache.close();
  });

  it("serves a repeated query from the cache until the indexer bumps the version", async () => {
    const q = `kino ${crypto.randomUUID()}`;
    let computed = 0;
    const compute = async () => ({ items: [++computed] });
    const page = { type: "track", limit: 20, q };
    const decode = (json: unknown) => json as { items: number[] };
    expect(await cachedPage(cache, page, compute, decode)).toEqual({ value: { items: [1] }, cache: "miss" });
    // Case and spacing do not make a new entry.
    expect(await cachedPage(cache, { ...page, q: `  ${q.toUpperCase()} ` }, compute, decode)).toEqual({ value: { items: [1] }, cache: "hit" });
    await cache.increment(searchVersionKey);
    expect(await cachedPage(cache, page, compute, decode)).toEqual({ value: { items: [2] }, cache: "miss" });
    expect(await cachedPage(cache, { ...page, cursor: "abc" }, compute, decode)).toMatchObject({ cache: "miss" });
  });
});

describe("cached search pages without a working cache", () => {
  it("answers from the database when Redis is down or absent", async () => {
    const dead = failOpen(createRedisCache({ url: "redis://127.0.0.1:1" }), logger);
    const compute = async () => ({ items: [7] });
    expect(await cachedPage(dead, { type: "track", limit: 5, q: "kino" }, compute, (json) => json as { items: number[] })).toEqual({
      value: { items: [7] },
      cache: "miss",
    });
    expect(await cachedPage(undefined, { type: "track", limit: 5, q: "kino" }, compute, (json) => json as { items: number[] })).toEqual({
      value: { items: [7] },
      cache: "off",
    });
    await dead.close();
  });

  it("ties cursors to their query", () => {
    expect(fingerprint("track\u0000kino")).toBe(fingerprint("track\u0000kino"));
    expect(fingerprint("track\u0000kino")).not.toBe(fingerprint("album\u0000kino"));
  });
});
