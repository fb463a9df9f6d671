import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../shared/cache/cache.ts";
import { failOpen } from "../../shared/cache/fail-open.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../../shared/cache/search-keys.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import { createLogger } from "../../shared/logger.ts";
import { changeTags } from "./cache-tags.ts";
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

  const decode = (json: unknown) => json as { items: string[] };
  const entities = (value: { items: string[] }) => ({ tracks: value.items, albums: [], artists: [] });

  it("serves a repeated query from the cache until a reindex bumps the version", async () => {
    const q = `kino ${crypto.randomUUID()}`;
    let computed = 0;
    const compute = async () => ({ items: [`t${++computed}`] });
    const page = { type: "track", limit: 20, q };
    expect(await cachedPage(cache, page, compute, decode, entities)).toEqual({ value: { items: ["t1"] }, cache: "miss" });
    // Case and spacing do not make a new entry.
    expect(await cachedPage(cache, { ...page, q: `  ${q.toUpperCase()} ` }, compute, decode, entities)).toEqual({ value: { items: ["t1"] }, cache: "hit" });
    await cache.increment(searchVersionKey);
    expect(await cachedPage(cache, page, compute, decode, entities)).toEqual({ value: { items: ["t2"] }, cache: "miss" });
    expect(await cachedPage(cache, { ...page, cursor: "abc" }, compute, decode, entities)).toMatchObject({ cache: "miss" });
  });

  it("drops the pages showing a changed track and of queries its new words match; keeps the rest", async () => {
    const [x, y, z] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    // Words of their own, so that suites changing documents in parallel do not touch these pages.
    const [oldTitle, other, newTitle] = [word(), word(), word()];
    const results: Record<string, string[]> = { [oldTitle]: [x], [other]: [y], [newTitle]: [] };
    const compute = (q: string) => async () => ({ items: results[q] ?? [] });
    const ask = (q: string) => cachedPage(cache, { type: "track", limit: 20, q }, compute(q), decode, entities);
    for (const q of Object.keys(results)) expect(await ask(q)).toMatchObject({ cache: "miss" });
    for (const q of Object.keys(results)) expect(await ask(q)).toMatchObject({ cache: "hit" });
    // x renamed: the indexer invalidates what x is now.
    results[oldTitle] = [];
    results[newTitle] = [x];
    await cache.invalidateTags(changeTags([{ kind: "track", id: x, searchForm: `${newTitle}s` }]), 1);
    expect(await ask(oldTitle)).toEqual({ value: { items: [] }, cache: "miss" });
    expect(await ask(newTitle)).toEqual({ value: { items: [x] }, cache: "miss" });
    expect(await ask(other)).toEqual({ value: { items: [y] }, cache: "hit" });
    // A change to a track no cached page shows, with unrelated words, drops nothing.
    await cache.invalidateTags(changeTags([{ kind: "track", id: z, searchForm: word() }]), 1);
    expect(await ask(other)).toMatchObject({ cache: "hit" });
  });

  it("does not store a page computed across an invalidation of its tags", async () => {
    const id = crypto.randomUUID();
    const q = word();
    const compute = async () => {
      // The indexer commits and invalidates while this page is being computed.
      await cache.invalidateTags(changeTags([{ kind: "track", id, searchForm: "" }]), 2);
      return { items: [id] };
    };
    expect(await cachedPage(cache, { type: "track", limit: 20, q }, compute, decode, entities)).toMatchObject({ cache: "miss" });
    expect(await cachedPage(cache, { type: "track", limit: 20, q }, async () => ({ items: [id] }), decode, entities)).toMatchObject({ cache: "miss" });
  });
});

/** A random word of consonants: its 3-letter tags are its own. */
function word(): string {
  const letters = "bdfgklmnprstv";
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => letters[byte % letters.length]).join("");
}

const none = () => ({ tracks: [], albums: [], artists: [] });

describe("cached search pages without a working cache", () => {
  it("answers from the database when Redis is down or absent", async () => {
    const dead = failOpen(createRedisCache({ url: "redis://127.0.0.1:1" }), logger);
    const compute = async () => ({ items: [7] });
    expect(await cachedPage(dead, { type: "track", limit: 5, q: "kino" }, compute, (json) => json as { items: number[] }, none)).toEqual({
      value: { items: [7] },
      cache: "miss",
    });
    expect(await cachedPage(undefined, { type: "track", limit: 5, q: "kino" }, compute, (json) => json as { items: number[] }, none)).toEqual({
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
